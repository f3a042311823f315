package org.sandgate.server.ca;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Writing PEM files with the right modes, atomically (so a reader never sees half a file). */
public final class Pem {
    private Pem() {
    }

    /** Writes certificates, leaf first, readable by all. */
    public static void writeCertificates(Path file, X509Certificate... certificates) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                pem.writeObject(c);
            }
        }
        write(file, out.toString(), "rw-r--r--");
    }

    /** Writes an unencrypted PKCS#8 private key, readable by the owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
        write(file, out.toString(), "rw-------");
    }

    /** Writes a CRL, readable by all. */
    public static void writeCrl(Path file, X509CRL crl) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(crl);
        }
        write(file, out.toString(), "rw-r--r--");
    }

    /** Writes text atomically with the given POSIX permissions. */
    public static void write(Path file, String text, String permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
