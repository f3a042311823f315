package org.sandgate.server.portal;

import java.util.List;

/**
 * The caller as the who-am-I page and the start page show it.
 *
 * @param dn             subject (slash form), null when anonymous
 * @param issuer         issuer of the end-entity certificate (or the token's issuer)
 * @param tier           anonymous, weak or strong
 * @param account        the default account, null when none is allowed
 * @param accounts       every account allowed
 * @param credential     what the credential is, in words
 * @param expires        end of its validity (ISO 8601), null when anonymous
 * @param expiresText    the same for reading (UTC; the browser shows local time)
 * @param costLimit      the tier's ceiling (-1: none)
 * @param launchRefused  a limited proxy
 * @param limits         every tier's ceiling
 * @param refusal        why the credential was refused, null when it was not
 * @param hint           what to do about it, in plain words
 */
public record WhoamiView(String dn, String issuer, String tier, String account, List<String> accounts,
                         String credential, String expires, String expiresText, long costLimit, boolean launchRefused,
                         List<TierLimit> limits, String refusal, String hint) {
    /** A tier and its ceiling. */
    public record TierLimit(String tier, long limit) {
    }

    /** Whether the caller has no credential. */
    public boolean anonymous() {
        return dn == null;
    }
}
