package org.sandgate.server.tls;

import eu.emi.security.authn.x509.impl.CertificateUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * The server's certificate and private key, read from PEM files and checked before the server
 * listens: the key must be private to the server's account (as sshd demands), unencrypted, and
 * belong to the certificate.
 */
public final class HostCredential {
    static final String ALIAS = "host";

    private final X509Certificate[] chain;
    private final PrivateKey key;

    private HostCredential(X509Certificate[] chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /**
     * Reads and checks the credential.
     *
     * @throws TlsSetupException with a one-line message that says what to fix
     */
    public static HostCredential load(Path certFile, Path keyFile) {
        checkPresent(certFile, keyFile);
        checkKeyPermissions(keyFile);
        X509Certificate[] chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateUtils.loadCertificateChain(in, CertificateUtils.Encoding.PEM);
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException("host certificate " + certFile + " cannot be read as PEM: "
                    + firstLine(e));
        }
        if (chain.length == 0) {
            throw new TlsSetupException("host certificate " + certFile + " holds no certificate");
        }
        PrivateKey key;
        try (InputStream in = Files.newInputStream(keyFile)) {
            key = CertificateUtils.loadPrivateKey(in, CertificateUtils.Encoding.PEM, null);
        } catch (CertificateUtils.MissingPasswordForEncryptedKeyException e) {
            throw new TlsSetupException("host key " + keyFile + " is encrypted: store it unencrypted "
                    + "(openssl pkey -in " + keyFile + " -out " + keyFile + ") and keep it mode 600");
        } catch (IOException | RuntimeException e) {
            throw new TlsSetupException("host key " + keyFile + " cannot be read as a PEM private key: "
                    + firstLine(e));
        }
        if (!matches(chain[0], key)) {
            throw new TlsSetupException("host key " + keyFile + " does not belong to the certificate in "
                    + certFile);
        }
        return new HostCredential(chain, key);
    }

    /** Refuses a missing certificate or key, saying how to get one. */
    private static void checkPresent(Path certFile, Path keyFile) {
        boolean cert = Files.exists(certFile);
        boolean key = Files.exists(keyFile);
        if (cert && key) {
            return;
        }
        String missing = !cert && !key ? certFile + " and " + keyFile + " do not exist"
                : (cert ? keyFile : certFile) + " does not exist";
        Path dir = certFile.toAbsolutePath().getParent();
        throw new TlsSetupException("there is no host credential: " + missing + ". Install the host's "
                + "certificate and unencrypted key there (mode 600), or make a development one: "
                + "bin/sandgate-server ca init --dir ca && bin/sandgate-server ca host --ca ca --cn $(hostname -f) --out "
                + dir + " && bin/sandgate-server ca install --ca ca --trust-dir " + dir.resolve("certificates"));
    }

    /** Refuses a key that others may read or anyone but the owner may change. */
    static void checkKeyPermissions(Path keyFile) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(keyFile);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new TlsSetupException("host key " + keyFile + " cannot be read: " + firstLine(e));
        }
        boolean exposed = perms.contains(PosixFilePermission.OTHERS_READ)
                || perms.contains(PosixFilePermission.OTHERS_WRITE)
                || perms.contains(PosixFilePermission.GROUP_WRITE);
        if (exposed) {
            throw new TlsSetupException("host key " + keyFile + " is accessible by others (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                    + "): run chmod 600 " + keyFile);
        }
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC", "ECDSA" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (algorithm == null) {
                return cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
            }
            byte[] probe = "sandgate host key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The credential as an in-memory key store for the TLS connector. */
    KeyStore toKeyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, password, chain);
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot build the host key store: " + e.getMessage());
        }
    }

    /** The host certificate. */
    public X509Certificate certificate() {
        return chain[0];
    }
}
