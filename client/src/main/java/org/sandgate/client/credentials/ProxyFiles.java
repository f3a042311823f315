package org.sandgate.client.credentials;

import eu.emi.security.authn.x509.X509Credential;
import eu.emi.security.authn.x509.impl.CertificateUtils;
import eu.emi.security.authn.x509.proxy.ProxyCertificate;
import eu.emi.security.authn.x509.proxy.ProxyCertificateOptions;
import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyChainType;
import eu.emi.security.authn.x509.proxy.ProxyGenerator;
import eu.emi.security.authn.x509.proxy.ProxyType;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Grid proxy files as {@code grid-proxy-init} writes and {@code grid-proxy-info} reads them: the proxy
 * certificate, its unencrypted key, then the user's chain, in PEM, mode 600. Proxies are made with
 * canl's proxy generator.
 */
public final class ProxyFiles {
    private ProxyFiles() {
    }

    /** What a proxy file says about itself. */
    public record Info(String subject, String issuer, String identity, String type, boolean limited, int bits,
                       Instant notAfter, Path path) {
        /** Time left (zero when expired). */
        public Duration timeLeft() {
            Duration left = Duration.between(Instant.now(), notAfter);
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    /** Where the proxy goes: {@code X509_USER_PROXY}, else {@code /tmp/x509up_u<uid>}. */
    public static Path defaultPath(Map<String, String> env, long uid) {
        String named = env.get("X509_USER_PROXY");
        return named != null && !named.isBlank() ? Path.of(named) : Path.of("/tmp", "x509up_u" + uid);
    }

    /**
     * Makes an RFC 3820 impersonation (or limited) proxy of a user credential and writes it.
     *
     * @param lifetime how long it is valid (never longer than the user's certificate)
     * @param bits     the length of its new RSA key
     */
    public static Info create(X509Credential user, Duration lifetime, int bits, boolean limited, Path out) {
        try {
            ProxyCertificateOptions options = new ProxyCertificateOptions(user.getCertificateChain());
            options.setType(ProxyType.RFC3820);
            options.setLimited(limited);
            options.setKeyLength(bits);
            options.setLifetime(lifetime.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            ProxyCertificate proxy = ProxyGenerator.generate(options, user.getKey());
            X509Certificate[] chain = proxy.getCertificateChain();
            ByteArrayOutputStream pem = new ByteArrayOutputStream();
            CertificateUtils.saveCertificate(pem, chain[0], CertificateUtils.Encoding.PEM);
            CertificateUtils.savePrivateKey(pem, proxy.getPrivateKey(), CertificateUtils.Encoding.PEM, null, null, true);
            for (int i = 1; i < chain.length; i++) {
                CertificateUtils.saveCertificate(pem, chain[i], CertificateUtils.Encoding.PEM);
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            Path temp = out.resolveSibling("." + out.getFileName() + ".new");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, pem.toByteArray());
            Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return describe(chain, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException("cannot make a proxy at " + out + ": " + e.getMessage());
        }
    }

    /** Reads a proxy file's description (even an expired one). */
    public static Info read(Path file) {
        if (!Files.isReadable(file)) {
            throw new CredentialException("there is no proxy at " + file + ": make one with "
                    + GridCredentials.MAKE_A_PROXY);
        }
        try {
            X509Certificate[] chain = new eu.emi.security.authn.x509.impl.PEMCredential(file.toString(), (char[]) null)
                    .getCertificateChain();
            return describe(chain, file);
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException("the proxy " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static Info describe(X509Certificate[] chain, Path file) {
        X509Certificate first = chain[0];
        String type;
        boolean limited = false;
        if (ProxyUtils.isProxy(first)) {
            try {
                ProxyChainInfo info = new ProxyChainInfo(chain);
                limited = info.isLimited();
                ProxyChainType kind = info.getProxyType();
                String what = limited ? "limited"
                        : ProxyKind.of(chain).map(ProxyKind::independent).orElse(false) ? "independent" : "impersonation";
                type = switch (kind) {
                    case RFC3820 -> "RFC 3820 compliant " + what + " proxy";
                    case DRAFT_RFC -> "Proxy draft (pre-RFC) compliant " + what + " proxy";
                    case LEGACY -> (limited ? "limited" : "full") + " legacy globus proxy";
                    case MIXED -> "a chain of proxies of mixed kinds";
                };
            } catch (GeneralSecurityException | IOException e) {
                type = "proxy of unknown kind (" + e.getMessage() + ")";
            }
        } else {
            type = "end-entity certificate (not a proxy)";
        }
        Instant notAfter = first.getNotAfter().toInstant();
        for (X509Certificate c : chain) {
            if (c.getNotAfter().toInstant().isBefore(notAfter)) {
                notAfter = c.getNotAfter().toInstant();
            }
        }
        int bits = first.getPublicKey() instanceof RSAKey rsa ? rsa.getModulus().bitLength() : 0;
        return new Info(slash(first.getSubjectX500Principal().getName()), slash(first.getIssuerX500Principal().getName()),
                slash(ProxyUtils.getEndUserCertificate(chain).getSubjectX500Principal().getName()), type, limited, bits,
                notAfter, file);
    }

    /** An RFC 2253 DN in the slash form the grid tools print. */
    static String slash(String rfc2253) {
        javax.naming.ldap.LdapName name;
        try {
            name = new javax.naming.ldap.LdapName(rfc2253);
        } catch (javax.naming.InvalidNameException e) {
            return rfc2253;
        }
        StringBuilder out = new StringBuilder();
        for (javax.naming.ldap.Rdn rdn : name.getRdns()) {
            out.append('/').append(rdn.getType()).append('=').append(rdn.getValue());
        }
        return out.toString();
    }
}
