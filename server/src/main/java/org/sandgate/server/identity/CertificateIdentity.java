package org.sandgate.server.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity a validated certificate chain proves.
 *
 * @param dn           the end-entity subject in OpenSSL slash form (for a proxy: the user it stands for)
 * @param dnRfc2253    the same subject in RFC 2253 form
 * @param issuer       the end-entity issuer (the CA) in slash form
 * @param proxy        whether a proxy was used, and of which kind
 * @param limited      whether the proxy chain is a limited proxy
 * @param expires      the end of validity of the shortest-lived certificate of the chain
 * @param canonical    the subject in the canonical RFC 2253 form of {@code X500Principal}: the one form
 *                     that decides who someone is (two distinct names never share it)
 * @param proxyPolicy  the proxy policy of the chain
 * @param launchRefused whether this credential may only read (a limited proxy under
 *                     {@code proxies.limited: refuse_jobs})
 * @param issuerChain  the CAs of the validated path from the end-entity's issuer up to the root, slash form
 * @param ambiguity    why the subject's slash form is ambiguous, when it is
 * @param certificate  the end-entity certificate this identity was proven with (for token binding);
 *                     empty for identities a bearer token vouches for
 */
public record CertificateIdentity(String dn, String dnRfc2253, String issuer, ProxyKind proxy, boolean limited,
                                  Instant expires, String canonical, ProxyPolicyKind proxyPolicy,
                                  boolean launchRefused, List<String> issuerChain, Optional<String> ambiguity,
                                  Optional<CertificateReference> certificate) {
    public CertificateIdentity {
        Objects.requireNonNull(dn);
        Objects.requireNonNull(dnRfc2253);
        Objects.requireNonNull(issuer);
        Objects.requireNonNull(proxy);
        Objects.requireNonNull(expires);
        Objects.requireNonNull(canonical);
        Objects.requireNonNull(proxyPolicy);
        issuerChain = List.copyOf(issuerChain);
        Objects.requireNonNull(ambiguity);
        Objects.requireNonNull(certificate);
    }
}
