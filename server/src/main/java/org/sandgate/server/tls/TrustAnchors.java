package org.sandgate.server.tls;

import eu.emi.security.authn.x509.CrlCheckingMode;
import eu.emi.security.authn.x509.NamespaceCheckingMode;
import eu.emi.security.authn.x509.ProxySupport;
import eu.emi.security.authn.x509.StoreUpdateListener;
import eu.emi.security.authn.x509.ValidationError;
import eu.emi.security.authn.x509.ValidationErrorCode;
import eu.emi.security.authn.x509.ValidationResult;
import eu.emi.security.authn.x509.X509CertChainValidatorExt;
import eu.emi.security.authn.x509.impl.CRLParameters;
import eu.emi.security.authn.x509.impl.CertificateUtils;
import eu.emi.security.authn.x509.impl.DirectoryCertChainValidator;
import eu.emi.security.authn.x509.impl.OpensslCertChainValidator;
import eu.emi.security.authn.x509.impl.RevocationParametersExt;
import eu.emi.security.authn.x509.impl.ValidatorParamsExt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStoreException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.server.config.SandgateConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's trust anchors: a directory in the OpenSSL/IGTF layout of
 * {@code /etc/grid-security/certificates} ({@code <hash>.0} CA certificates, {@code <hash>.r0} CRLs,
 * {@code .signing_policy} and {@code .namespaces} files), plus plain {@code *.pem} CA files. Chains are
 * validated by canl, which re-reads the directory and its CRLs every refresh interval, so a
 * certificate revoked by a new CRL is refused without a restart.
 *
 * <p>Plain {@code *.pem} anchors are checked against the same CRLs but without namespace policies,
 * which only exist for hashed files.
 */
public final class TrustAnchors extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(TrustAnchors.class);

    private final Path directory;
    private final SandgateConfig.Tls settings;
    private final AtomicLong generation = new AtomicLong();
    private volatile X509Certificate[] issuers = new X509Certificate[0];
    private volatile Set<X509Certificate> issuerSet = Set.of();
    /** Set by store notifications; the issuer list is rebuilt by the next reader, outside canl's locks. */
    private volatile boolean issuersStale;
    private volatile X509CertChainValidatorExt hashed;
    private volatile X509CertChainValidatorExt plainPem;

    /**
     * @param directory the trust-anchor directory
     * @param settings  refresh interval, CRL and namespace modes
     */
    public TrustAnchors(Path directory, SandgateConfig.Tls settings) {
        this.directory = directory.toAbsolutePath();
        this.settings = settings;
    }

    @Override
    protected void doStart() throws IOException, KeyStoreException {
        load();
    }

    /**
     * Reads the trust anchors and CRLs again now (an administrator's reload); validations in progress
     * finish on the old ones.
     */
    public synchronized void reload() throws IOException, KeyStoreException {
        X509CertChainValidatorExt oldHashed = hashed;
        X509CertChainValidatorExt oldPem = plainPem;
        load();
        generation.incrementAndGet();
        if (oldHashed != null) {
            oldHashed.dispose();
        }
        if (oldPem != null) {
            oldPem.dispose();
        }
    }

    private void load() throws IOException, KeyStoreException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("trust-anchor directory " + directory + " does not exist");
        }
        long refresh = settings.refreshInterval().toMillis();
        StoreUpdateListener listener = this::onStoreUpdate;
        String dir = directory.toString();
        hashed = new OpensslCertChainValidator(dir, true, namespaceMode(), refresh,
                params(new CRLParameters(), listener), false);
        CRLParameters crls = new CRLParameters(List.of(dir + "/*.r[0-9]*"), refresh, 5000, null);
        plainPem = new DirectoryCertChainValidator(List.of(dir + "/*.pem"), CertificateUtils.Encoding.PEM,
                refresh, 5000, null, params(crls, listener));
        refreshIssuers();
        LOG.info("trust anchors from {}: {} CAs, re-read every {} s, CRLs {}", directory,
                issuers.length, settings.refreshInterval().toSeconds(), settings.crl().name().toLowerCase());
    }

    @Override
    protected void doStop() {
        hashed.dispose();
        plainPem.dispose();
    }

    /**
     * Validates a client's chain (end-entity or proxy chain, leaf first). A chain that does not lead to
     * a hashed anchor is tried against the plain PEM anchors.
     */
    public ValidationResult validate(X509Certificate[] chain) {
        ValidationResult result = guarded(hashed, chain);
        if (result.isValid() || !noAnchor(result) || plainPem.getTrustedIssuers().length == 0) {
            return result;
        }
        ValidationResult pem = guarded(plainPem, chain);
        return pem.isValid() || !noAnchor(pem) ? pem : result;
    }

    /**
     * canl's validation, with its failures turned into a refusal. canl 2.8.3 (the latest release on
     * Maven Central; the 2.9.0 sources have the same code) dereferences a null CRL signing certificate
     * in {@code RFC3280CertPathUtilities.processCRLF} when a chain's issuer has the name of a trusted
     * CA, and a CRL of that name is installed, but no trusted key signed it (canl-java issue 92): the
     * NullPointerException escapes {@code validate}. Such a chain is an impostor, named here as one;
     * any other exception from inside the validator refuses the chain as well.
     */
    private ValidationResult guarded(X509CertChainValidatorExt validator, X509Certificate[] chain) {
        try {
            return validator.validate(chain);
        } catch (RuntimeException e) {
            String reason = impostor(chain).orElseGet(() -> "the certificate chain cannot be validated: "
                    + (e instanceof IllegalArgumentException && e.getMessage() != null ? e.getMessage()
                    : "the validator failed on it"));
            LOG.debug("validator failure on a client chain: {}", reason, e);
            return new ValidationResult(false, List.of(new ValidationError(chain, -1,
                    ValidationErrorCode.unknownMsg, reason)));
        }
    }

    /** Says so when the top of the chain claims a trusted CA as issuer that no trusted key of that name signed. */
    private Optional<String> impostor(X509Certificate[] chain) {
        X509Certificate top = chain[chain.length - 1];
        X500Principal issuer = top.getIssuerX500Principal();
        boolean named = false;
        for (X509Certificate ca : trustedIssuers()) {
            if (ca.getSubjectX500Principal().equals(issuer)) {
                named = true;
                try {
                    top.verify(ca.getPublicKey());
                    return Optional.empty();
                } catch (GeneralSecurityException | RuntimeException notThisKey) {
                    // try the next CA of that name
                }
            }
        }
        return named ? Optional.of("the certificate is not signed by the trusted CA it names as issuer ("
                + issuer.getName() + "): an untrusted CA with a trusted CA's name") : Optional.empty();
    }

    private static boolean noAnchor(ValidationResult result) {
        return result.getErrors().stream()
                .anyMatch(e -> e.getErrorCode() == ValidationErrorCode.noTrustAnchorFound);
    }

    /** The CA certificates, as advertised to clients in the TLS certificate request. */
    public X509Certificate[] trustedIssuers() {
        if (issuersStale && isRunning()) {
            refreshIssuers();
        }
        return issuers;
    }

    /** A number that changes whenever anchors or CRLs were reloaded: cached validations are then stale. */
    public long generation() {
        return generation.get();
    }

    /** The directory read. */
    public Path directory() {
        return directory;
    }

    private void onStoreUpdate(String location, String type, StoreUpdateListener.Severity level, Exception cause) {
        if (level == StoreUpdateListener.Severity.NOTIFICATION) {
            LOG.debug("trust store: {} {} reloaded", type, location);
        } else {
            LOG.warn("trust store: {} {} {}: {}", type, location,
                    level == StoreUpdateListener.Severity.ERROR ? "not loaded" : "loaded with a problem",
                    cause == null ? "(no detail)" : cause.getMessage());
        }
        generation.incrementAndGet();
        // never call back into canl from its notification: its timer holds the observer lock here,
        // and dispose() takes the validator lock first, then the observer lock
        issuersStale = true;
    }

    private synchronized void refreshIssuers() {
        issuersStale = false;
        Set<X509Certificate> all = new LinkedHashSet<>(List.of(hashed.getTrustedIssuers()));
        all.addAll(List.of(plainPem.getTrustedIssuers()));
        issuers = all.toArray(new X509Certificate[0]);
        issuerSet = Set.copyOf(all);
    }

    /** Whether this CA certificate is one of the trust directory's (root or intermediate). */
    public boolean isTrusted(X509Certificate ca) {
        if (issuersStale && isRunning()) {
            refreshIssuers();
        }
        return issuerSet.contains(ca);
    }

    /** Whether the site lets CA certificates sent by clients be intermediates of their paths. */
    public boolean clientIntermediatesAllowed() {
        return settings.clientIntermediates() == SandgateConfig.ClientIntermediates.ACCEPT;
    }

    /**
     * The CAs above a trusted CA up to its root, through the trust directory: canl ends a path at the
     * first CA of the directory, which may be an intermediate (IGTF distributes those as anchors too),
     * while the tier depends on every CA up to the root.
     */
    public List<X509Certificate> above(X509Certificate ca) {
        List<X509Certificate> out = new ArrayList<>();
        X509Certificate current = ca;
        while (out.size() < 16 && !current.getIssuerX500Principal().equals(current.getSubjectX500Principal())) {
            X509Certificate parent = null;
            for (X509Certificate candidate : trustedIssuers()) {
                if (candidate.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && !out.contains(candidate) && !candidate.equals(ca)) {
                    try {
                        current.verify(candidate.getPublicKey());
                        parent = candidate;
                        break;
                    } catch (GeneralSecurityException | RuntimeException notThisOne) {
                        // another CA of that name
                    }
                }
            }
            if (parent == null) {
                break;
            }
            out.add(parent);
            current = parent;
        }
        return out;
    }

    private ValidatorParamsExt params(CRLParameters crls, StoreUpdateListener listener) {
        RevocationParametersExt revocation = new RevocationParametersExt(crlMode(), crls);
        List<StoreUpdateListener> listeners = new ArrayList<>();
        listeners.add(listener);
        return new ValidatorParamsExt(revocation, ProxySupport.ALLOW, listeners);
    }

    private CrlCheckingMode crlMode() {
        return switch (settings.crl()) {
            case REQUIRE -> CrlCheckingMode.REQUIRE;
            case IF_VALID -> CrlCheckingMode.IF_VALID;
            case IGNORE -> CrlCheckingMode.IGNORE;
        };
    }

    private NamespaceCheckingMode namespaceMode() {
        return switch (settings.namespaces()) {
            case EUGRIDPMA_GLOBUS -> NamespaceCheckingMode.EUGRIDPMA_GLOBUS;
            case EUGRIDPMA_GLOBUS_REQUIRE -> NamespaceCheckingMode.EUGRIDPMA_GLOBUS_REQUIRE;
            case IGNORE -> NamespaceCheckingMode.IGNORE;
        };
    }
}
