package org.sandgate.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.ca.IssuedCredential;

class HostCredentialTest {
    @TempDir
    Path dir;
    Path cert;
    Path key;
    DevCa ca;
    IssuedCredential host;

    @BeforeEach
    void issue() throws Exception {
        ca = DevCa.create("/O=Test/CN=Test CA", Duration.ofDays(1));
        host = ca.issueHost("localhost", List.of("127.0.0.1"), Duration.ofDays(1));
        cert = dir.resolve("hostcert.pem");
        key = dir.resolve("hostkey.pem");
        host.write(cert, key);
    }

    private String refusal() {
        return assertThrows(TlsSetupException.class, () -> HostCredential.load(cert, key)).getMessage();
    }

    @Test
    void aGoodCredentialLoads() {
        assertEquals(host.certificate(), HostCredential.load(cert, key).certificate());
    }

    @Test
    void aKeyReadableByOthersIsRefusedWithTheFix() throws Exception {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        String m = refusal();
        assertTrue(m.contains("accessible by others") && m.contains("chmod 600 " + key), m);
        assertEquals(1, m.lines().count());
    }

    @Test
    void aGroupReadableKeyIsAllowedForAServiceGroup() throws Exception {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        HostCredential.load(cert, key);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        ca.issueHost("other", List.of(), Duration.ofDays(1)).write(dir.resolve("c2"), key);
        assertTrue(refusal().contains("does not belong to the certificate"));
    }

    @Test
    void garbageCertificateIsRefusedNamingTheFile() throws Exception {
        Files.writeString(cert, "this is not a certificate");
        String m = refusal();
        assertTrue(m.contains(cert.toString()), m);
    }

    @Test
    void truncatedPemIsRefused() throws Exception {
        String pem = Files.readString(cert);
        Files.writeString(cert, pem.substring(0, pem.length() / 2));
        assertTrue(refusal().contains("cannot be read as PEM"));
    }

    @Test
    void garbageKeyIsRefused() throws Exception {
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertTrue(refusal().contains("cannot be read as a PEM private key"));
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheFix() throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(host.key(),
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                            .setPassword("secret".toCharArray()).build()));
        }
        Files.writeString(key, out.toString());
        String m = refusal();
        assertTrue(m.contains("is encrypted"), m);
    }

    @Test
    void aMissingKeyIsRefusedNamingIt() throws Exception {
        Files.delete(key);
        assertTrue(refusal().contains(key.toString()));
    }
}
