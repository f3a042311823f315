package org.sandgate.server.ca;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key, as the development CA issued them.
 *
 * @param certificate the certificate
 * @param key         its private key
 */
public record IssuedCredential(X509Certificate certificate, PrivateKey key) {

    /** Writes the certificate (mode 644) and the unencrypted key (mode 600) as PEM files. */
    public void write(Path certFile, Path keyFile) throws IOException {
        Pem.writeCertificates(certFile, certificate);
        Pem.writePrivateKey(keyFile, key);
    }
}
