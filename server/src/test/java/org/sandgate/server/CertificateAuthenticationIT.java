package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.emi.security.authn.x509.proxy.ProxyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * The secure front door through real HTTPS: which certificates and proxies are accepted as which
 * identity, tier and account, and that every kind of invalid chain is refused with a JSON reason.
 */
class CertificateAuthenticationIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice", "alice", "physics").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");

    private static Https.Reply whoami(TestPki.Credential credential) throws Exception {
        return site.as(credential).get(site.server().https("/api/v1/whoami"));
    }

    private static void assertRefused(TestPki.Credential credential, String reasonPart) throws Exception {
        Https.Reply r = whoami(credential);
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_certificate", r.error(), r.body());
        assertTrue(r.json().path("message").asText().toLowerCase().contains(reasonPart.toLowerCase()),
                "reason should mention '" + reasonPart + "': " + r.body());
        assertFalse(r.body().contains("Exception"), r.body());
    }

    @Test
    void strongUserInTheGridMapfileGetsTheFirstAccount() throws Exception {
        Https.Reply r = whoami(alice);
        assertEquals(200, r.status(), r.body());
        assertEquals("/O=Sandgate Test/OU=People/CN=Alice", r.json().get("dn").asText());
        assertEquals("CN=Alice,OU=People,O=Sandgate Test", r.json().get("dn_rfc2253").asText());
        assertEquals(TestPki.STRONG_CA, r.json().get("issuer").asText());
        assertEquals("strong", r.json().get("tier").asText());
        assertEquals("alice", r.json().get("account").asText());
        assertEquals(List.of("alice", "physics"), List.of(r.json().get("accounts").get(0).asText(),
                r.json().get("accounts").get(1).asText()));
        assertFalse(r.json().get("proxy").asBoolean());
        assertEquals(alice.chain()[0].getNotAfter().toInstant(), Instant.parse(r.json().get("expires").asText()));
        assertEquals(-1, r.json().get("cost_limit").asLong());
    }

    @Test
    void userOfAWeakCaIsWeak() throws Exception {
        TestPki.Credential bob = pki.weakUser("Bob");
        pki.map(bob.dn(), "bob");
        pki.config(pki.baseConfig());
        Https.Reply r = whoami(bob);
        assertEquals(200, r.status(), r.body());
        assertEquals("weak", r.json().get("tier").asText());
        assertEquals(3600, r.json().get("cost_limit").asLong());
    }

    @Test
    void validUserNotInTheGridMapfileHasNoAccount() throws Exception {
        Https.Reply r = whoami(pki.strongUser("Unmapped"));
        assertEquals(200, r.status(), r.body());
        assertEquals("strong", r.json().get("tier").asText());
        assertTrue(r.json().get("account").isNull(), r.body());
        assertEquals(0, r.json().get("accounts").size());
    }

    @Test
    void noCertificateIsAnonymousWithTheCommunityAccount() throws Exception {
        Https.Reply r = whoami(null);
        assertEquals(200, r.status(), r.body());
        assertEquals("anonymous", r.json().get("tier").asText());
        assertTrue(r.json().get("dn").isNull());
        assertEquals("nobody", r.json().get("account").asText());
        assertEquals(60, r.json().get("cost_limit").asLong());
    }

    @Test
    void rfc3820ProxyIdentifiesAsTheEndEntity() throws Exception {
        Https.Reply r = whoami(Proxies.rfc(alice));
        assertEquals(200, r.status(), r.body());
        assertEquals(alice.dn(), r.json().get("dn").asText());
        assertTrue(r.json().get("proxy").asBoolean());
        assertEquals("rfc3820", r.json().get("proxy_type").asText());
        assertEquals("alice", r.json().get("account").asText());
    }

    @Test
    void legacyGlobusProxyIsAccepted() throws Exception {
        Https.Reply r = whoami(Proxies.proxy(alice, ProxyType.LEGACY, Duration.ofHours(1), false, -1));
        assertEquals(200, r.status(), r.body());
        assertEquals("legacy", r.json().get("proxy_type").asText());
        assertEquals(alice.dn(), r.json().get("dn").asText());
    }

    @Test
    void limitedProxyIsMarkedLimited() throws Exception {
        Https.Reply r = whoami(Proxies.proxy(alice, ProxyType.RFC3820, Duration.ofHours(1), true, -1));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("proxy_limited").asBoolean(), r.body());
    }

    @Test
    void proxyOfAProxyIsAcceptedAndExpiresWithTheShortestLived() throws Exception {
        TestPki.Credential first = Proxies.proxy(alice, ProxyType.RFC3820, Duration.ofHours(10), false, -1);
        TestPki.Credential second = Proxies.proxy(first, ProxyType.RFC3820, Duration.ofHours(2), false, -1);
        Https.Reply r = whoami(second);
        assertEquals(200, r.status(), r.body());
        assertEquals(alice.dn(), r.json().get("dn").asText());
        assertEquals(second.chain()[0].getNotAfter().toInstant(), Instant.parse(r.json().get("expires").asText()));
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        TestPki.Credential old = TestPki.Credential.of(pki.strong.issueUser(pki.strong.namespace() + "/OU=People/CN=Old",
                Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1))));
        pki.map(old.dn(), "old");
        assertRefused(old, "expired");
    }

    @Test
    void notYetValidCertificateIsRefused() throws Exception {
        TestPki.Credential early = TestPki.Credential.of(pki.strong.issueUser(
                pki.strong.namespace() + "/OU=People/CN=Early",
                Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10))));
        assertRefused(early, "not yet valid");
    }

    @Test
    void certificateOfAnUntrustedCaIsRefused() throws Exception {
        DevCa rogue = DevCa.create("/O=Sandgate Test/CN=Rogue CA", Duration.ofDays(1));
        TestPki.Credential mallory = TestPki.Credential.of(
                rogue.issueUser("/O=Sandgate Test/OU=People/CN=Alice", Duration.ofDays(1)));
        assertRefused(mallory, "trust");
    }

    @Test
    void selfSignedCertificateClaimingAUsersDnIsRefused() throws Exception {
        DevCa self = DevCa.create(alice.dn(), Duration.ofDays(1));
        assertRefusedInTheHandshakeOrWith401(new TestPki.Credential(
                new java.security.cert.X509Certificate[] {self.certificate()}, caKey(self)));
    }

    /**
     * A certificate whose key usage does not allow signing (these CA certificates) is refused by
     * BoringSSL (tls.provider auto or conscrypt) in the handshake, before the authenticator sees it;
     * the JDK's TLS lets it through to the authenticator, which answers 401. Never a 200.
     */
    private static void assertRefusedInTheHandshakeOrWith401(TestPki.Credential credential) throws Exception {
        Https.Reply r;
        try {
            r = whoami(credential);
        } catch (javax.net.ssl.SSLHandshakeException refusedInTheHandshake) {
            return;
        }
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_certificate", r.error());
    }

    @Test
    void certificatePresentedWithoutItsKeyFailsTheHandshake() throws Exception {
        TestPki.Credential stolen = new TestPki.Credential(alice.chain(), pki.strongUser("Thief").key());
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> whoami(stolen));
    }

    @Test
    void caCertificateUsedAsAClientIsRefused() throws Exception {
        DevCa sub = DevCa.create("/O=Sandgate Test/CN=Sub", Duration.ofDays(1));
        assertRefusedInTheHandshakeOrWith401(new TestPki.Credential(
                new java.security.cert.X509Certificate[] {sub.certificate()}, caKey(sub)));
    }

    @Test
    void certificateWithoutDigitalSignatureUsageIsRefused() throws Exception {
        TestPki.Credential c = TestPki.Credential.of(pki.strong.issue(pki.strong.namespace() + "/OU=People/CN=NoSig",
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)),
                KeyUsage.keyEncipherment | KeyUsage.digitalSignature, new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
                null));
        assertRefused(c, "client authentication");
    }

    @Test
    void forgedProxySignedByAnotherKeyIsRefused() throws Exception {
        assertRefused(Proxies.forged(alice), "signature");
    }

    @Test
    void proxyWithAWrongSubjectIsRefused() throws Exception {
        Https.Reply r = whoami(Proxies.wrongSubject(alice));
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_certificate", r.error());
    }

    @Test
    void proxyBeyondItsPathLengthIsRefused() throws Exception {
        TestPki.Credential last = Proxies.proxy(alice, ProxyType.RFC3820, Duration.ofHours(1), false, 0);
        Https.Reply ok = whoami(last);
        assertEquals(200, ok.status(), ok.body());
        TestPki.Credential tooDeep = Proxies.proxy(last, ProxyType.RFC3820, Duration.ofMinutes(30), false, -1);
        Https.Reply r = whoami(tooDeep);
        assertEquals(401, r.status(), r.body());
    }

    @Test
    void expiredProxyIsRefused() throws Exception {
        assertRefused(Proxies.window(alice, Instant.now().minus(Duration.ofHours(2)),
                Instant.now().minus(Duration.ofHours(1))), "expired");
    }

    @Test
    void subjectOutsideTheCasNamespaceIsRefused() throws Exception {
        TestPki.Credential outsider = TestPki.Credential.of(
                pki.strong.issueUser("/O=Somewhere Else/CN=Outsider", Duration.ofDays(1)));
        Https.Reply r = whoami(outsider);
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_certificate", r.error());
    }

    @Test
    void certificateRevokedWhileTheServerRunsIsRefusedWithoutRestart() throws Exception {
        TestPki.Credential victim = pki.strongUser("Revoked Later");
        assertEquals(200, whoami(victim).status());
        Path caDir = dir.resolve("ca-strong");
        DevCa.revoke(caDir, victim.chain()[0].getSerialNumber());
        pki.strong.install(pki.trust, caDir);
        Https https = site.as(victim);
        Https.Reply r = Await.value(Duration.ofSeconds(60), () -> https.get(site.server().https("/api/v1/whoami")),
                reply -> reply.status() != 200);
        assertEquals(401, r.status(), "a revoked certificate must be refused within a minute: " + r.body());
        assertTrue(r.json().path("message").asText().contains("revoked"), r.body());
        assertEquals(200, whoami(alice).status(), "others are unaffected");
    }

    @Test
    void aCaAddedToTheTrustDirectoryIsTrustedWithoutRestart() throws Exception {
        DevCa late = DevCa.create("/O=Sandgate Late/CN=Late CA", Duration.ofDays(1));
        Path caDir = dir.resolve("ca-late");
        late.save(caDir);
        TestPki.Credential carol = TestPki.Credential.of(late.issueUser("/O=Sandgate Late/CN=Carol", Duration.ofDays(1)));
        assertEquals(401, whoami(carol).status());
        late.install(pki.trust, caDir);
        Https.Reply r = Await.value(Duration.ofSeconds(60), () -> whoami(carol), reply -> reply.status() == 200);
        assertEquals(200, r.status(), r.body());
        assertEquals("strong", r.json().get("tier").asText());
    }

    @Test
    void garbageFilesInTheTrustDirectoryDoNotStopTheOthers() throws Exception {
        Files.writeString(pki.trust.resolve("0badf00d.0"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
        Files.writeString(pki.trust.resolve("0badf00d.r0"), "garbage");
        Thread.sleep(2500);
        assertEquals(200, whoami(alice).status());
    }

    private static java.security.PrivateKey caKey(DevCa ca) throws Exception {
        Path d = Files.createTempDirectory(dir, "ca");
        ca.save(d);
        try (var in = Files.newInputStream(d.resolve("ca.key"))) {
            return eu.emi.security.authn.x509.impl.CertificateUtils.loadPrivateKey(in,
                    eu.emi.security.authn.x509.impl.CertificateUtils.Encoding.PEM, null);
        }
    }
}
