package org.sandgate.server.identity;

import eu.emi.security.authn.x509.ValidationError;
import eu.emi.security.authn.x509.ValidationResult;
import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.tls.TrustAnchors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the certificate chain a client presented into an {@link Identity}, or refuses it.
 *
 * <p>The chain is validated against the trust anchors (signatures, validity dates, CRLs, signing
 * policies, and for proxies the RFC 3820 / Globus rules: each proxy signed by the certificate
 * before it, name rules, path length). The end-entity certificate must be fit for client
 * authentication. The identity of a proxy chain is its end-entity subject. The tier comes from every
 * CA of the validated path, whose intermediates must come from the trust directory; limited,
 * independent and unknown proxy policies are judged here (see {@link ProxyPolicies}).
 *
 * <p>Results are cached per chain for a short time and dropped whenever the trust store reloads,
 * so a keep-alive client is not validated on every request and a new CRL still takes effect.
 */
public final class CertificateAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthenticator.class);
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final int CACHE_LIMIT = 10_000;

    private final TrustAnchors anchors;
    private final Supplier<TierPolicy> tiers;
    private final Supplier<SandgateConfig.Proxies> proxies;
    private final BooleanSupplier anonymousAllowed;
    private final Duration cacheFor;
    private final Clock clock;
    private final Map<List<X509Certificate>, Outcome> cache = new ConcurrentHashMap<>();

    /** The result of validating one chain: an identity or the refusal to answer. */
    private record Outcome(Optional<Identity> identity, Refusal refusal, ProxyChainInfo proxyInfo,
                           long generation, Instant checkedAt) {
    }

    /** A valid chain this server does not accept, with the answer to give. */
    private static final class Refused extends Exception {
        private final Refusal answer;

        Refused(Refusal answer) {
            super(answer.getMessage(), null, false, false);
            this.answer = answer;
        }
    }

    /**
     * @param anchors          the trust anchors
     * @param tiers            the weak/strong decision (read at each validation: it may be reloaded)
     * @param proxies          what limited and independent proxies may do (idem)
     * @param anonymousAllowed whether a request without a certificate is accepted (idem)
     * @param cacheFor         how long a validation result may be reused
     * @param clock            the time source
     */
    public CertificateAuthenticator(TrustAnchors anchors, Supplier<TierPolicy> tiers,
                                    Supplier<SandgateConfig.Proxies> proxies, BooleanSupplier anonymousAllowed,
                                    Duration cacheFor, Clock clock) {
        this.anchors = anchors;
        this.tiers = tiers;
        this.proxies = proxies;
        this.anonymousAllowed = anonymousAllowed;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    /** Forgets cached validations (after the tier rules or the trust anchors were reloaded). */
    public void forget() {
        cache.clear();
    }

    /**
     * Authenticates a request.
     *
     * @param chain  the client's chain, leaf first; empty when the client sent none
     * @param client the client's address, checked against proxy source restrictions
     * @throws CredentialRequiredException when there is no chain and anonymous access is off
     * @throws InvalidCredentialException  when the chain does not validate
     * @throws LimitedProxyException       when the chain is a limited proxy and limited proxies are refused
     */
    public Identity authenticate(X509Certificate[] chain, InetAddress client) {
        if (chain.length == 0) {
            if (!anonymousAllowed.getAsBoolean()) {
                throw new CredentialRequiredException();
            }
            return Identity.anonymous();
        }
        Outcome outcome = outcomeFor(chain);
        if (outcome.identity().isEmpty()) {
            throw outcome.refusal();
        }
        Identity identity = outcome.identity().get();
        if (!clock.instant().isBefore(identity.certificate().orElseThrow().expires())) {
            cache.remove(List.of(chain));
            throw refuse(chain, client, "the certificate chain expired at "
                    + identity.certificate().orElseThrow().expires());
        }
        if (outcome.proxyInfo() != null && client != null) {
            checkSourceRestriction(chain, outcome.proxyInfo(), client);
        }
        return identity;
    }

    /**
     * Why an end-entity certificate that once proved an identity no longer does (revoked by a CRL read
     * since, expired, its CA no longer trusted), or empty while it still validates. Cached like the
     * validation of a request's chain, so a token checked on every request costs one validation per
     * cache period and the CRL refresh time is what bounds how long a revoked certificate's tokens live.
     */
    public Optional<String> stillValid(X509Certificate certificate) {
        X509Certificate[] chain = {certificate};
        Outcome outcome = outcomeFor(chain);
        if (outcome.identity().isEmpty()) {
            return Optional.of(outcome.refusal().getMessage());
        }
        Instant expires = outcome.identity().get().certificate().orElseThrow().expires();
        if (!clock.instant().isBefore(expires)) {
            return Optional.of("the certificate expired at " + expires);
        }
        return Optional.empty();
    }

    private Outcome outcomeFor(X509Certificate[] chain) {
        List<X509Certificate> key = List.of(chain);
        long generation = anchors.generation();
        Instant now = clock.instant();
        Outcome cached = cache.get(key);
        if (cached != null && cached.generation() == generation
                && cached.checkedAt().plus(cacheFor).isAfter(now)) {
            return cached;
        }
        Outcome fresh = validate(chain, generation, now);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, fresh);
        return fresh;
    }

    /**
     * Validates a chain. Every failure, whether of validation, of reading a name or inside a library,
     * is a refusal with a reason (cached like any other), never an exception.
     */
    private Outcome validate(X509Certificate[] chain, long generation, Instant now) {
        String claimed = Untrusted.subject(chain[0]);
        try {
            ValidationResult result = anchors.validate(chain);
            if (!result.isValid()) {
                return refused(claimed, describe(result), generation, now);
            }
            return accepted(chain, result.getValidChain(), generation, now);
        } catch (Refused e) {
            LOG.warn("refused certificate chain of {}: {}", claimed, e.answer.getMessage());
            return new Outcome(Optional.empty(), e.answer, null, generation, now);
        } catch (CertificateException | IOException e) {
            return refused(claimed, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
                    generation, now);
        } catch (RuntimeException e) {
            LOG.debug("validation of the chain of {} failed inside a library", claimed, e);
            return refused(claimed, "the certificate chain cannot be read"
                    + (e instanceof IllegalArgumentException && e.getMessage() != null ? ": " + e.getMessage() : ""),
                    generation, now);
        }
    }

    private static Outcome refused(String claimed, String reason, long generation, Instant now) {
        String safe = Untrusted.reason(reason);
        LOG.warn("refused certificate chain of {}: {}", claimed, safe);
        return new Outcome(Optional.empty(), new InvalidCredentialException(safe), null, generation, now);
    }

    private Outcome accepted(X509Certificate[] chain, List<X509Certificate> validPath, long generation, Instant now)
            throws CertificateException, IOException, Refused {
        X509Certificate endEntity = ProxyUtils.getEndUserCertificate(chain);
        checkClientUse(endEntity, "the end-entity certificate");
        if (endEntity != chain[0]) {
            checkClientUse(chain[0], "the proxy certificate");
        }
        List<X509Certificate> cas = caPath(validPath == null ? List.of(chain) : validPath);
        ProxyKind kind = ProxyKind.NONE;
        ProxyPolicyKind policy = ProxyPolicyKind.NONE;
        boolean limited = false;
        ProxyChainInfo info = null;
        SandgateConfig.Proxies rules = proxies.get();
        if (ProxyUtils.isProxy(chain[0])) {
            info = new ProxyChainInfo(chain);
            kind = switch (info.getProxyType()) {
                case RFC3820 -> ProxyKind.RFC3820;
                case DRAFT_RFC -> ProxyKind.DRAFT;
                case LEGACY -> ProxyKind.LEGACY;
                case MIXED -> ProxyKind.MIXED;
            };
            policy = ProxyPolicies.of(chain);
            limited = policy == ProxyPolicyKind.LIMITED || info.isLimited();
            if (policy == ProxyPolicyKind.INDEPENDENT && rules.independent() == SandgateConfig.IndependentProxies.REFUSE) {
                throw new CertificateException("independent proxies (id-ppl-independent: no rights of their issuer) "
                        + "are not accepted on this server (proxies.independent: refuse)");
            }
            if (limited && rules.limited() == SandgateConfig.LimitedProxies.REFUSE) {
                throw new Refused(new LimitedProxyException("limited proxies are not accepted on this server "
                        + "(proxies.limited: refuse); use a full proxy or the certificate"));
            }
        }
        Instant expires = chain[0].getNotAfter().toInstant();
        for (X509Certificate c : chain) {
            Instant end = c.getNotAfter().toInstant();
            expires = end.isBefore(expires) ? end : expires;
        }
        String issuer = DistinguishedNames.slashForm(endEntity.getIssuerX500Principal());
        List<String> issuerChain = cas.stream().map(c -> DistinguishedNames.slashForm(c.getSubjectX500Principal()))
                .toList();
        X500Principal subject = endEntity.getSubjectX500Principal();
        CertificateIdentity id = new CertificateIdentity(
                DistinguishedNames.slashForm(subject), DistinguishedNames.rfc2253Form(subject), issuer, kind, limited,
                expires, DistinguishedNames.canonicalForm(subject), policy,
                limited && rules.limited() == SandgateConfig.LimitedProxies.REFUSE_JOBS, issuerChain,
                DistinguishedNames.ambiguity(subject), Optional.of(CertificateReference.of(endEntity)));
        return new Outcome(Optional.of(new Identity(tiers.get().tierOf(issuerChain), Optional.of(id))), null,
                info, generation, now);
    }

    /**
     * The CAs of a validated path (canl's: proxies, end entity, intermediates, trust anchor), continued
     * through the trust directory up to the root. Unless the site allows it, every CA of the path must
     * be one of the trust directory's: a sub-CA the client sent along is not trusted for its own sake.
     */
    private List<X509Certificate> caPath(List<X509Certificate> validPath) throws CertificateException {
        List<X509Certificate> cas = new ArrayList<>();
        for (X509Certificate c : validPath) {
            if (c.getBasicConstraints() >= 0) {
                if (!anchors.clientIntermediatesAllowed() && !anchors.isTrusted(c)) {
                    throw new CertificateException("the intermediate CA " + Untrusted.subject(c) + " was sent by "
                            + "the client and is not in the trust directory; intermediate CAs are trusted only "
                            + "from the trust directory (tls.client_intermediates: refuse)");
                }
                cas.add(c);
            }
        }
        if (!cas.isEmpty()) {
            cas.addAll(anchors.above(cas.get(cas.size() - 1)));
        }
        return cas;
    }

    /** A certificate that signs the TLS handshake or a proxy must allow digital signatures and client use. */
    private static void checkClientUse(X509Certificate cert, String which) throws CertificateException {
        if (cert.getBasicConstraints() >= 0) {
            throw new CertificateException(which + " is a CA certificate, not a client certificate");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && !usage[0]) {
            throw new CertificateException(which + " does not allow digital signatures (key usage)");
        }
        try {
            List<String> eku = cert.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EKU)) {
                throw new CertificateException(which + " is not for TLS client authentication "
                        + "(extended key usage)");
            }
        } catch (CertificateParsingException e) {
            throw new CertificateException(which + " has a malformed extended key usage extension");
        }
    }

    private void checkSourceRestriction(X509Certificate[] chain, ProxyChainInfo info, InetAddress client) {
        try {
            if (!info.isHostAllowedAsSource(client.getAddress())) {
                throw refuse(chain, client, "the proxy does not allow use from " + client.getHostAddress());
            }
        } catch (IOException | RuntimeException e) {
            throw refuse(chain, client, "the proxy's source restriction cannot be read");
        }
    }

    private static InvalidCredentialException refuse(X509Certificate[] chain, InetAddress client, String reason) {
        LOG.warn("refused certificate chain of {} from {}: {}", Untrusted.subject(chain[0]), client, reason);
        return new InvalidCredentialException(reason);
    }

    private static String describe(ValidationResult result) {
        List<ValidationError> errors = result.getErrors();
        if (errors.isEmpty()) {
            return "the certificate chain is not valid (unsupported critical extensions: "
                    + result.getUnresolvedCriticalExtensions() + ")";
        }
        return errors.stream().limit(3).map(CertificateAuthenticator::describe)
                .distinct().collect(Collectors.joining("; "));
    }

    private static String describe(ValidationError error) {
        String message = error.getMessage().replaceAll("(?:[a-z0-9]+\\.)+[A-Za-z0-9]*Exception: ?", "").strip();
        int position = error.getPosition();
        X509Certificate[] chain = error.getChain();
        if (chain != null && position >= 0 && position < chain.length) {
            return message + " [" + Untrusted.subject(chain[position]) + "]";
        }
        return message;
    }
}
