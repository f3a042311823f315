package org.sandgate.server.identity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sandgate.service.Tier;

/**
 * Decides the tier of a validated certificate by the CAs of its validated path: weak when any of
 * them (root or intermediate) is listed in {@code tiers.weak_issuers}, strong otherwise.
 */
public final class TierPolicy {
    private final Set<String> weakIssuerKeys;

    /**
     * @param weakIssuers CA subjects, in slash or RFC 2253 form, whose certificates are weak
     * @throws IllegalArgumentException when one of them is not a DN
     */
    public TierPolicy(List<String> weakIssuers) {
        Set<String> keys = new HashSet<>();
        for (String issuer : weakIssuers) {
            keys.add(DistinguishedNames.comparisonKeyOfAnyForm(issuer.strip()));
        }
        this.weakIssuerKeys = Set.copyOf(keys);
    }

    /** The tier of a certificate whose validated path has these CAs (slash form, any order). */
    public Tier tierOf(List<String> caSlashDns) {
        for (String ca : caSlashDns) {
            if (weakIssuerKeys.contains(DistinguishedNames.comparisonKey(ca))) {
                return Tier.WEAK;
            }
        }
        return Tier.STRONG;
    }
}
