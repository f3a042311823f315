package org.sandgate.server.identity;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sandgate.service.Tier;

/**
 * Who a request comes from, as far as authentication can tell: the tier, and the certificate
 * identity unless the request is anonymous. A caller with a bearer token has the identity the
 * token vouches for (its subject in place of the certificate's) and the token's claims.
 *
 * @param tier        anonymous, weak or strong
 * @param certificate the proven subject, issuer and validity; empty when anonymous
 * @param tokenClaims the claims of the bearer token the caller used, if it used one
 */
public record Identity(Tier tier, Optional<CertificateIdentity> certificate, Optional<Map<String, Object>> tokenClaims) {
    private static final Identity ANONYMOUS = new Identity(Tier.ANONYMOUS, Optional.empty());

    public Identity {
        Objects.requireNonNull(tier);
        Objects.requireNonNull(certificate);
        Objects.requireNonNull(tokenClaims);
        if (certificate.isEmpty() != (tier == Tier.ANONYMOUS)) {
            throw new IllegalArgumentException("only the anonymous tier has no certificate");
        }
        tokenClaims = tokenClaims.map(Map::copyOf);
    }

    /** An identity proven by a certificate chain. */
    public Identity(Tier tier, Optional<CertificateIdentity> certificate) {
        this(tier, certificate, Optional.empty());
    }

    /** Whether the caller used a bearer token rather than a certificate. */
    public boolean viaToken() {
        return tokenClaims.isPresent();
    }

    /** A request without a client certificate. */
    public static Identity anonymous() {
        return ANONYMOUS;
    }

    /** Whether this credential may only read: a limited proxy where limited proxies launch nothing. */
    public boolean launchRefused() {
        return certificate.map(CertificateIdentity::launchRefused).orElse(false);
    }

    /**
     * Refuses what a limited proxy may not do: launch jobs, call services, deploy, administer, obtain
     * a token.
     *
     * @param action what was asked, for the message
     * @throws LimitedProxyException when this credential may only read
     */
    public void requireLaunchRights(String action) {
        if (launchRefused()) {
            throw new LimitedProxyException("a limited proxy may authenticate and read (whoami, session status, "
                    + "downloads) but not " + action + " (proxies.limited: refuse_jobs, as Globus GRAM); "
                    + "use a full proxy (grid-proxy-init without -limited) or the certificate");
        }
    }

    /** Why the subject's slash form is ambiguous, when there is a certificate and it is. */
    public Optional<String> ambiguity() {
        return certificate.flatMap(CertificateIdentity::ambiguity);
    }

    /** The canonical subject (RFC 2253 canonical form), if there is a certificate. */
    public Optional<String> canonical() {
        return certificate.map(CertificateIdentity::canonical);
    }

    /** The slash-form DN, if there is a certificate. */
    public Optional<String> dn() {
        return certificate.map(CertificateIdentity::dn);
    }
}
