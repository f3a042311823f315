package org.sandgate.server.identity;

import java.util.Objects;
import java.util.Optional;
import org.sandgate.service.Tier;

/**
 * Who a request comes from, as far as authentication can tell: the tier, and the certificate
 * identity unless the request is anonymous.
 */
public record Identity(Tier tier, Optional<CertificateIdentity> certificate) {
    private static final Identity ANONYMOUS = new Identity(Tier.ANONYMOUS, Optional.empty());

    public Identity {
        Objects.requireNonNull(tier);
        Objects.requireNonNull(certificate);
        if (certificate.isEmpty() != (tier == Tier.ANONYMOUS)) {
            throw new IllegalArgumentException("only the anonymous tier has no certificate");
        }
    }

    /** A request without a client certificate. */
    public static Identity anonymous() {
        return ANONYMOUS;
    }

    /** The slash-form DN, if there is a certificate. */
    public Optional<String> dn() {
        return certificate.map(CertificateIdentity::dn);
    }
}
