package org.sandgate.client.credentials;

import eu.emi.security.authn.x509.X509Credential;
import eu.emi.security.authn.x509.helpers.PasswordSupplier;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files that hold a credential, found by {@link GridCredentials#find} and read by {@link #load}.
 *
 * @param kind the format
 * @param cert the proxy, the certificate, or the PKCS#12 file
 * @param key  the key, when it is a file of its own
 */
public record CredentialFiles(Kind kind, Path cert, Optional<Path> key) {
    /** The formats of a credential. */
    public enum Kind { PROXY, PEM, PKCS12 }

    static CredentialFiles proxy(Path file) {
        return new CredentialFiles(Kind.PROXY, file, Optional.empty());
    }

    static CredentialFiles pem(Path cert, Path key) {
        return new CredentialFiles(Kind.PEM, cert, Optional.of(key));
    }

    static CredentialFiles pkcs12(Path file) {
        return new CredentialFiles(Kind.PKCS12, file, Optional.empty());
    }

    /** What the files are, for a message: "the proxy /tmp/x509up_u1000". */
    public String describe() {
        return switch (kind) {
            case PROXY -> "the proxy " + cert;
            case PEM -> "the certificate " + cert + " (key " + key.orElseThrow() + ")";
            case PKCS12 -> "the PKCS#12 file " + cert;
        };
    }

    /** Every file read by {@link #load}. */
    public List<Path> paths() {
        return key.map(k -> List.of(cert, k)).orElse(List.of(cert));
    }

    /** Reads the credential; an encrypted key or a PKCS#12 file asks {@code passwords}. */
    public X509Credential load(PasswordSupplier passwords) {
        return switch (kind) {
            case PROXY -> GridCredentials.proxy(cert);
            case PEM -> GridCredentials.certificateAndKey(cert, key.orElseThrow(), passwords);
            case PKCS12 -> GridCredentials.pkcs12(cert, passwords);
        };
    }

    /** Refuses a credential that has expired since it was read, with the same message as when reading it. */
    public void checkStillValid(X509Credential credential) {
        GridCredentials.checkNotExpired(credential, cert, kind == Kind.PROXY ? "the proxy" : "the certificate");
    }
}
