package org.sandgate.client.credentials;

import eu.emi.security.authn.x509.NamespaceCheckingMode;
import eu.emi.security.authn.x509.X509CertChainValidator;
import eu.emi.security.authn.x509.X509Credential;
import eu.emi.security.authn.x509.helpers.PasswordSupplier;
import eu.emi.security.authn.x509.impl.CertificateUtils;
import eu.emi.security.authn.x509.impl.InMemoryKeystoreCertChainValidator;
import eu.emi.security.authn.x509.impl.OpensslCertChainValidator;
import eu.emi.security.authn.x509.impl.PEMCredential;
import eu.emi.security.authn.x509.impl.ValidatorParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the user's credential and trust anchors the way the grid tools do.
 *
 * <p>Credential, first found wins: {@code X509_USER_PROXY}; the proxy at {@code /tmp/x509up_u<uid>};
 * {@code X509_USER_CERT} and {@code X509_USER_KEY}, by default {@code ~/.globus/usercert.pem} and
 * {@code ~/.globus/userkey.pem}; a PKCS#12 file: {@code X509_USER_CERT} naming a {@code .p12} or
 * {@code .pfx} file, or {@code ~/.globus/usercred.p12}. Trust anchors: an explicit PEM file, else {@code X509_CERT_DIR}, else
 * {@code ~/.globus/certificates}, else {@code /etc/grid-security/certificates}.
 */
public final class GridCredentials {
    /** How to make a proxy, in every message that asks for a new one. */
    public static final String MAKE_A_PROXY = "sandgate proxy-init (or grid-proxy-init)";

    private GridCredentials() {
    }

    /**
     * The user's credential, if there is one.
     *
     * @param env       the environment
     * @param home      the user's home directory
     * @param uid       the user's numeric id (for the default proxy path)
     * @param passwords asked for the pass phrase of an encrypted key
     */
    public static Optional<X509Credential> locate(Map<String, String> env, Path home, long uid,
                                                  PasswordSupplier passwords) {
        return find(env, home, uid).map(files -> files.load(passwords));
    }

    /**
     * Which files hold the user's credential, by the rules above, without reading them.
     *
     * @param env  the environment
     * @param home the user's home directory
     * @param uid  the user's numeric id (for the default proxy path)
     */
    public static Optional<CredentialFiles> find(Map<String, String> env, Path home, long uid) {
        String proxyVar = env.get("X509_USER_PROXY");
        if (proxyVar != null && !proxyVar.isBlank()) {
            Path proxy = Path.of(proxyVar);
            if (!Files.isReadable(proxy)) {
                throw new CredentialException("X509_USER_PROXY names " + proxy + ", which cannot be read");
            }
            return Optional.of(CredentialFiles.proxy(proxy));
        }
        Path defaultProxy = Path.of("/tmp", "x509up_u" + uid);
        if (Files.isReadable(defaultProxy)) {
            return Optional.of(CredentialFiles.proxy(defaultProxy));
        }
        Path cert = Path.of(env.getOrDefault("X509_USER_CERT", home.resolve(".globus/usercert.pem").toString()));
        Path key = Path.of(env.getOrDefault("X509_USER_KEY", home.resolve(".globus/userkey.pem").toString()));
        if (isPkcs12(cert) && Files.isReadable(cert)) {
            return Optional.of(CredentialFiles.pkcs12(cert));
        }
        if (Files.isReadable(cert) && Files.isReadable(key)) {
            return Optional.of(CredentialFiles.pem(cert, key));
        }
        Path globusP12 = home.resolve(".globus/usercred.p12");
        if (!env.containsKey("X509_USER_CERT") && Files.isReadable(globusP12)) {
            return Optional.of(CredentialFiles.pkcs12(globusP12));
        }
        if (env.containsKey("X509_USER_CERT") || env.containsKey("X509_USER_KEY")) {
            throw new CredentialException("X509_USER_CERT/X509_USER_KEY name " + cert + " and " + key
                    + ", which cannot both be read");
        }
        return Optional.empty();
    }

    /** The identity a chain stands for: the subject of its end-entity certificate, in slash form. */
    public static String identity(X509Certificate[] chain) {
        return ProxyFiles.slash(eu.emi.security.authn.x509.proxy.ProxyUtils.getEndUserCertificate(chain)
                .getSubjectX500Principal().getName());
    }

    /**
     * Where {@link #find} looks, in its order, for a message that says no credential was found there.
     *
     * @param env  the environment
     * @param home the user's home directory
     * @param uid  the user's numeric id
     */
    public static List<String> searched(Map<String, String> env, Path home, long uid) {
        String cert = env.getOrDefault("X509_USER_CERT", home.resolve(".globus/usercert.pem").toString());
        String key = env.getOrDefault("X509_USER_KEY", home.resolve(".globus/userkey.pem").toString());
        List<String> places = new java.util.ArrayList<>();
        places.add("X509_USER_PROXY (not set)");
        places.add(Path.of("/tmp", "x509up_u" + uid).toString());
        places.add(cert + " with " + key);
        if (!env.containsKey("X509_USER_CERT")) {
            places.add(home.resolve(".globus/usercred.p12").toString());
        }
        return places;
    }

    /**
     * The user's own certificate and key (never a proxy): {@code X509_USER_CERT}/{@code X509_USER_KEY},
     * by default {@code ~/.globus/usercert.pem} and {@code ~/.globus/userkey.pem}.
     */
    public static X509Credential userCertificate(Map<String, String> env, Path home, PasswordSupplier passwords) {
        Path cert = Path.of(env.getOrDefault("X509_USER_CERT", home.resolve(".globus/usercert.pem").toString()));
        Path key = Path.of(env.getOrDefault("X509_USER_KEY", home.resolve(".globus/userkey.pem").toString()));
        if (!Files.isReadable(cert) || !Files.isReadable(key)) {
            throw new CredentialException("no user certificate: " + cert + " and " + key
                    + " must both be readable (or set X509_USER_CERT and X509_USER_KEY)");
        }
        return certificateAndKey(cert, key, passwords);
    }

    private static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    /** A PKCS#12 file; its password is asked from {@code passwords}. */
    public static X509Credential pkcs12(Path file, PasswordSupplier passwords) {
        char[] password = passwords.getPassword();
        try {
            X509Credential credential = new eu.emi.security.authn.x509.impl.KeystoreCredential(file.toString(),
                    password, password, null, "PKCS12");
            checkNotExpired(credential, file, "the certificate");
            return credential;
        } catch (IOException | java.security.KeyStoreException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("password") || why.contains("mac") || why.contains("MAC")) {
                throw new CredentialException("wrong password for the PKCS#12 file " + file);
            }
            throw new CredentialException("the PKCS#12 file " + file + " cannot be read: " + why);
        }
    }

    /** A proxy file: proxy certificate, its key, and the rest of the chain, as grid-proxy-init writes it. */
    public static X509Credential proxy(Path file) {
        try {
            PEMCredential credential = new PEMCredential(file.toString(), (char[]) null);
            checkNotExpired(credential, file, "the proxy");
            return credential;
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException("the proxy " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** A certificate and key in two PEM files; an encrypted key asks {@code passwords} for its pass phrase. */
    public static X509Credential certificateAndKey(Path cert, Path key, PasswordSupplier passwords) {
        try (InputStream k = Files.newInputStream(key); InputStream c = Files.newInputStream(cert)) {
            PEMCredential credential = new PEMCredential(k, c, passwords);
            checkNotExpired(credential, cert, "the certificate");
            X509Certificate leaf = credential.getCertificate();
            if (!matches(leaf, credential.getKey())) {
                throw new CredentialException("the key " + key + " does not belong to the certificate " + cert);
            }
            return credential;
        } catch (CertificateUtils.MissingPasswordForEncryptedKeyException e) {
            throw new CredentialException("the key " + key + " is encrypted and no pass phrase was given");
        } catch (IOException | GeneralSecurityException e) {
            if (String.valueOf(e.getMessage()).contains("password is incorrect")) {
                throw new CredentialException("wrong pass phrase for the key " + key);
            }
            throw new CredentialException("the certificate " + cert + " or key " + key + " cannot be read: "
                    + e.getMessage());
        }
    }

    private static boolean matches(X509Certificate cert, java.security.PrivateKey key) {
        if (cert.getPublicKey() instanceof java.security.interfaces.RSAPublicKey pub
                && key instanceof java.security.interfaces.RSAPrivateCrtKey priv) {
            return pub.getModulus().equals(priv.getModulus());
        }
        return cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
    }

    static void checkNotExpired(X509Credential credential, Path file, String what) {
        Instant now = Instant.now();
        for (X509Certificate c : credential.getCertificateChain()) {
            if (c.getNotAfter().toInstant().isBefore(now)) {
                throw new CredentialException(what + " " + file + " expired at " + c.getNotAfter().toInstant()
                        + (what.equals("the proxy") ? ": make a new one with " + MAKE_A_PROXY
                                : ": renew it with your certification authority"));
            }
        }
    }

    /**
     * The trust anchors for checking the server.
     *
     * @param caFile an explicit PEM file of CA certificates, if given
     */
    public static X509CertChainValidator trust(Map<String, String> env, Path home, Optional<Path> caFile) {
        return trust(trustSource(env, home, caFile));
    }

    /**
     * Where the trust anchors are: the explicit PEM file, else the first directory of the rules above.
     *
     * @param caFile an explicit PEM file of CA certificates, if given
     */
    public static Path trustSource(Map<String, String> env, Path home, Optional<Path> caFile) {
        if (caFile.isPresent()) {
            return caFile.get();
        }
        Path dir = Optional.ofNullable(env.get("X509_CERT_DIR")).map(Path::of)
                .or(() -> Optional.of(home.resolve(".globus/certificates")).filter(Files::isDirectory))
                .orElse(Path.of("/etc/grid-security/certificates"));
        if (!Files.isDirectory(dir)) {
            throw new CredentialException("no trust anchors: " + dir + " does not exist; set X509_CERT_DIR "
                    + "or give a CA file with --cacert");
        }
        return dir;
    }

    /** The trust anchors of {@link #trustSource}: a directory in the OpenSSL/IGTF layout, or a PEM file. */
    public static X509CertChainValidator trust(Path source) {
        if (!Files.isDirectory(source)) {
            return pemFile(source);
        }
        return new OpensslCertChainValidator(source.toString(), true, NamespaceCheckingMode.EUGRIDPMA_GLOBUS,
                600_000, new ValidatorParams(), true);
    }

    private static X509CertChainValidator pemFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            X509Certificate[] cas = CertificateUtils.loadCertificates(in, CertificateUtils.Encoding.PEM);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i]);
            }
            return new InMemoryKeystoreCertChainValidator(ks);
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException("the CA file " + file + " cannot be read: " + e.getMessage());
        }
    }
}
