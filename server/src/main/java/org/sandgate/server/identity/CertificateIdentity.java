package org.sandgate.server.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * The identity a validated certificate chain proves.
 *
 * @param dn        the end-entity subject in OpenSSL slash form (for a proxy: the user it stands for)
 * @param dnRfc2253 the same subject in RFC 2253 form
 * @param issuer    the end-entity issuer (the CA) in slash form
 * @param proxy     whether a proxy was used, and of which kind
 * @param limited   whether the proxy chain is a limited proxy
 * @param expires   the end of validity of the shortest-lived certificate of the chain
 */
public record CertificateIdentity(String dn, String dnRfc2253, String issuer, ProxyKind proxy,
                                  boolean limited, Instant expires) {
    public CertificateIdentity {
        Objects.requireNonNull(dn);
        Objects.requireNonNull(dnRfc2253);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(proxy);
        Objects.requireNonNull(expires);
    }
}
