package org.sandgate.server.ca;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** A credential as one PKCS#12 file, the form browsers and most tools import. */
public final class Pkcs12 {
    private Pkcs12() {
    }

    /**
     * Writes a credential and its CA's certificate, readable by the owner only.
     *
     * @param file       the {@code .p12} file
     * @param alias      the friendly name browsers show
     * @param credential the certificate and its key
     * @param ca         the certificate of the CA that issued it
     * @param password   protects the key and the file
     */
    public static void write(Path file, String alias, IssuedCredential credential, X509Certificate ca,
                             char[] password) throws IOException {
        byte[] bytes;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, credential.key(), password, new Certificate[] {credential.certificate(), ca});
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            bytes = out.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make " + file + ": " + e.getMessage(), e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
