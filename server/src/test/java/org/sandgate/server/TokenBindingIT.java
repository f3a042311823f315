package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Tokens die with the certificate that obtained them: a token is refused once a new CRL revoking
 * that certificate is read (within the CRL refresh time), and administrators revoke one token by
 * its jti or every token of a subject, which survives a restart. Token use is audited with its jti.
 */
class TokenBindingIT {
    @RegisterExtension
    static final Site site = Site.with().user("Ada").deploy(TestPki.SLEEPY_JAR)
            .config(s -> "admins: [\"" + s.dn("Ada") + "\"]\n").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential admin = site.user("Ada");

    static TestPki.Credential user(String cn) throws Exception {
        TestPki.Credential c = pki.strongUser(cn);
        pki.map(c.dn(), cn.toLowerCase());
        Thread.sleep(2100);
        return c;
    }

    static String token(TestPki.Credential who) throws Exception {
        Https.Reply r = site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, r.status(), r.body());
        return r.json().get("token").asText();
    }

    static Https.Reply launch(String token) throws Exception {
        return site.as(null).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/services/sleepy/add")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")).build());
    }

    static Https.Reply revoke(String body) throws Exception {
        return site.as(admin).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/admin/tokens/revocations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static void assertRefused(Https.Reply r, String reason) {
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_token", r.error(), r.body());
        assertTrue(r.json().path("message").asText().contains(reason), r.body());
    }

    @Test
    void aTokenIsRefusedOnceANewCrlRevokesItsCertificate() throws Exception {
        TestPki.Credential carol = user("Carol");
        String token = token(carol);
        assertEquals(201, launch(token).status(), "the token works while the certificate holds");
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(carol.chain()[0].getSerialNumber().toString(16),
                ((java.util.Map<?, ?>) jwt.getJWTClaimsSet().getClaim("cert")).get("serial"), "bound by serial");

        Path caDir = dir.resolve("ca-strong");
        DevCa.revoke(caDir, carol.chain()[0].getSerialNumber());
        pki.strong.install(pki.trust, caDir);
        Https.Reply r = Await.value(Duration.ofSeconds(60), () -> launch(token), reply -> reply.status() != 201);
        assertRefused(r, "revoked");
        assertEquals(201, launch(token(admin)).status(), "other holders' tokens are unaffected");
    }

    @Test
    void anAdministratorRevokesOneTokenByItsJtiOrEveryTokenOfASubjectAcrossARestart() throws Exception {
        TestPki.Credential dan = user("Dan");
        String first = token(dan);
        String second = token(dan);
        String jti = SignedJWT.parse(first).getJWTClaimsSet().getJWTID();
        assertEquals(201, launch(first).status());
        assertTrue(Files.readString(dir.resolve("var/logs/audit.log")).contains("\"jti\":\"" + jti + "\""),
                "token use is audited with its jti");

        Https.Reply one = revoke("{\"jti\": \"" + jti + "\"}");
        assertEquals(200, one.status(), one.body());
        assertRefused(launch(first), "revoked");
        assertEquals(201, launch(second).status(), "only that token");

        Https.Reply all = revoke("{\"dn\": \"" + dan.dn() + "\"}");
        assertEquals(200, all.status(), all.body());
        assertRefused(launch(second), "revoked");
        Thread.sleep(1100);
        String later = token(dan);
        assertEquals(201, launch(later).status(), "tokens obtained after the revocation work");

        site.restart();
        assertRefused(launch(first), "revoked");
        assertRefused(launch(second), "revoked");
        assertEquals(201, launch(later).status());
        JsonNode list = site.as(admin).get(site.server().https("/api/v1/admin/tokens/revocations"))
                .json();
        assertEquals(2, list.get("revocations").size(), list.toString());
    }

    @Test
    void onlyAdministratorsRevoke() throws Exception {
        TestPki.Credential eve = user("Eve");
        Https.Reply r = site.as(eve).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/admin/tokens/revocations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dn\": \"" + admin.dn() + "\"}")).build());
        assertEquals(403, r.status(), r.body());
        assertEquals(400, revoke("{}").status());
    }
}
