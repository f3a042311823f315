package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * The tier comes from every CA of the validated path, and intermediate CAs come from the trust
 * directory, not from the client: a weak CA's sub-CA sent along by the client makes no strong user
 * (it is refused), an intermediate installed in the trust directory under a weak root is weak, an
 * intermediate listed in {@code tiers.weak_issuers} is weak under a strong root; with
 * {@code tls.client_intermediates: accept} a client-sent sub-CA is used and still weak.
 */
class TierByPathIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static ChainBuilder.Ca weakRoot;
    static ChainBuilder.Ca strongRoot;
    static ChainBuilder.Ca installedWeakSub;
    static ChainBuilder.Ca listedStrongSub;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        weakRoot = asChainCa(pki, "ca-weak", pki.weak.certificate());
        strongRoot = asChainCa(pki, "ca-strong", pki.strong.certificate());
        installedWeakSub = weakRoot.subCa(ChainBuilder.name("O", "Sandgate Test Weak", "CN", "Installed Weak Sub CA"));
        installedWeakSub.install(pki.trust, "/O=Sandgate Test Weak");
        listedStrongSub = strongRoot.subCa(ChainBuilder.name("O", "Sandgate Test", "CN", "Listed Sub CA"));
        listedStrongSub.install(pki.trust, "/O=Sandgate Test");
        pki.config("tiers:\n  weak_issuers:\n    - \"" + TestPki.WEAK_CA + "\"\n    - \"/O=Sandgate Test/CN=Listed Sub CA\"\n"
                + "tls:\n  refresh_seconds: 1\n");
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** The development CA saved by TestPki, as a chain builder CA (to sign sub-CAs with it). */
    static ChainBuilder.Ca asChainCa(TestPki pki, String saved, java.security.cert.X509Certificate cert)
            throws Exception {
        try (var in = Files.newInputStream(pki.root.resolve(saved).resolve("ca.key"))) {
            PrivateKey key = eu.emi.security.authn.x509.impl.CertificateUtils.loadPrivateKey(in,
                    eu.emi.security.authn.x509.impl.CertificateUtils.Encoding.PEM, null);
            return new ChainBuilder.Ca(cert, key, List.of());
        }
    }

    static Https.Reply whoami(TestServer s, TestPki p, TestPki.Credential who) throws Exception {
        return new Https(who, p.strong.certificate()).get(s.https("/api/v1/whoami"));
    }

    static X500Name user(String o, String cn) {
        return ChainBuilder.name("O", o, "CN", cn);
    }

    @Test
    void subCaOfAWeakCaSentByTheClientIsRefused() throws Exception {
        ChainBuilder.Ca sub = weakRoot.subCa(ChainBuilder.name("O", "Sandgate Test Weak", "CN", "Weak Sub CA"));
        Https.Reply r = whoami(server, pki, sub.user(user("Sandgate Test Weak", "Escalator"), true));
        assertEquals(401, r.status(), "a client-sent sub-CA must not make a strong user: " + r.body());
        assertEquals("invalid_certificate", r.error());
        assertTrue(r.json().path("message").asText().contains("not in the trust directory"), r.body());
    }

    @Test
    void unlistedSubCaOfAStrongCaSentByTheClientIsRefused() throws Exception {
        ChainBuilder.Ca sub = strongRoot.subCa(ChainBuilder.name("O", "Sandgate Test", "CN", "Unlisted Sub CA"));
        Https.Reply r = whoami(server, pki, sub.user(user("Sandgate Test", "Someone"), true));
        assertEquals(401, r.status(), r.body());
        assertTrue(r.json().path("message").asText().contains("not in the trust directory"), r.body());
    }

    @Test
    void intermediateInTheTrustDirectoryUnderAWeakRootIsWeak() throws Exception {
        Https.Reply r = whoami(server, pki, installedWeakSub.user(user("Sandgate Test Weak", "Sub User"), false));
        assertEquals(200, r.status(), r.body());
        assertEquals("weak", r.json().get("tier").asText(), r.body());
        assertEquals(List.of("/O=Sandgate Test Weak/CN=Installed Weak Sub CA", TestPki.WEAK_CA),
                List.of(r.json().get("issuer_chain").get(0).asText(), r.json().get("issuer_chain").get(1).asText()));
        assertEquals(2, r.json().get("issuer_chain").size(), r.body());
    }

    @Test
    void intermediateListedAsWeakMakesWeakUsersUnderAStrongRoot() throws Exception {
        Https.Reply r = whoami(server, pki, listedStrongSub.user(user("Sandgate Test", "Listed User"), false));
        assertEquals(200, r.status(), r.body());
        assertEquals("weak", r.json().get("tier").asText(), r.body());
        Https.Reply direct = whoami(server, pki, pki.strongUser("Direct"));
        assertEquals("strong", direct.json().get("tier").asText(), direct.body());
        assertEquals(List.of(TestPki.STRONG_CA).toString(), direct.json().get("issuer_chain").toString()
                .replace("\"", ""), direct.body());
    }

    @Test
    void withClientIntermediatesAcceptedASubCaSentByTheClientIsUsedAndStillWeak() throws Exception {
        TestPki other = TestPki.create(dir.resolve("accepting"));
        other.config(other.baseConfig() + "  client_intermediates: accept\n");
        try (TestServer accepting = TestServer.start(other.conf)) {
            ChainBuilder.Ca root = asChainCa(other, "ca-weak", other.weak.certificate());
            ChainBuilder.Ca sub = root.subCa(ChainBuilder.name("O", "Sandgate Test Weak", "CN", "Weak Sub CA"));
            Https.Reply r = whoami(accepting, other, sub.user(user("Sandgate Test Weak", "Escalator"), true));
            assertEquals(200, r.status(), r.body());
            assertEquals("weak", r.json().get("tier").asText(), "any weak CA on the path makes it weak: " + r.body());
            assertEquals(2, r.json().get("issuer_chain").size(), r.body());
        }
    }
}
