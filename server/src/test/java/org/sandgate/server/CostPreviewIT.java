package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * {@code POST /api/v1/cost/{path}/{method}} over mutual TLS: the cost of {@code sleepy.add} for given
 * arguments, whether each tier's ceiling (60 anonymous, 3600 weak, none strong) allows it and which
 * tier would, all without launching anything.
 */
class CostPreviewIT {
    private static final String PREVIEW = "/api/v1/cost/sleepy/add";

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential strong;
    static TestPki.Credential weak;
    static TestPki.Credential unmapped;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        strong = pki.strongUser("Cora Cost");
        weak = pki.weakUser("Walt Cost");
        unmapped = pki.strongUser("Nobody Mapped");
        pki.map(strong.dn(), "cora");
        pki.map(weak.dn(), "walt");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig());
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Https.Reply preview(TestPki.Credential who, String path, String body) throws Exception {
        return new Https(who, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static int sessions(TestPki.Credential who) throws Exception {
        return new Https(who, pki.strong.certificate()).get(server.https("/api/v1/sessions")).json()
                .path("sessions").size();
    }

    @Test
    void anAnonymousCallerSeesThatAWeakCredentialWouldDo() throws Exception {
        Https.Reply r = preview(null, PREVIEW, "{\"args\": [100, 1, 2]}");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(101.0, j.path("cost").asDouble());
        assertEquals("anonymous", j.path("tier").asText());
        assertEquals(60, j.path("cost_limit").asLong());
        assertEquals(false, j.path("allowed").asBoolean());
        assertEquals("weak", j.path("required_tier").asText());
        assertTrue(j.path("refusal").isNull(), "anonymous callers have the account nobody: " + j);
        assertEquals("sleepy", j.path("service").asText());
        assertEquals("job", j.path("kind").asText());
    }

    @Test
    void aWeakCredentialIsEnoughUpToItsCeilingAndAStrongOneBeyond() throws Exception {
        JsonNode within = preview(weak, PREVIEW, "{\"args\": {\"seconds\": 3599, \"a\": 1, \"b\": 2}}").json();
        assertEquals(true, within.path("allowed").asBoolean(), within.toString());
        assertEquals("weak", within.path("tier").asText());
        assertTrue(within.path("refusal").isNull(), within.toString());
        JsonNode beyond = preview(weak, PREVIEW, "{\"args\": [3600, 1, 2]}").json();
        assertEquals(false, beyond.path("allowed").asBoolean(), beyond.toString());
        assertEquals("strong", beyond.path("required_tier").asText());
        JsonNode strongOne = preview(strong, PREVIEW, "{\"args\": [86400, 1, 2]}").json();
        assertEquals(true, strongOne.path("allowed").asBoolean(), strongOne.toString());
        assertEquals(-1, strongOne.path("cost_limit").asLong());
    }

    @Test
    void aPreviewLaunchesNothing() throws Exception {
        int before = sessions(strong);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, preview(strong, PREVIEW, "{\"args\": [1, 2, 3]}").status());
        }
        assertEquals(before, sessions(strong));
    }

    @Test
    void aCallerWithoutAnAccountIsToldSoBesideTheCost() throws Exception {
        JsonNode j = preview(unmapped, PREVIEW, "{\"args\": [1, 2, 3]}").json();
        assertEquals(true, j.path("allowed").asBoolean(), j.toString());
        assertEquals("not_authorized", j.path("refusal").path("error").asText(), j.toString());
    }

    @Test
    void argumentsThatDoNotFitAreEachNamed() throws Exception {
        Https.Reply r = preview(strong, PREVIEW, "{\"args\": {\"seconds\": -1, \"a\": \"x\", \"b\": 2}}");
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_argument", r.error());
        assertEquals("seconds", r.json().path("argument").asText(), r.body());
        assertEquals(2, r.json().path("errors").size(), r.body());
        assertEquals("a", r.json().path("errors").get(1).path("argument").asText(), r.body());
    }

    @Test
    void anUnknownServiceOrMethodIsNotFound() throws Exception {
        assertEquals(404, preview(strong, "/api/v1/cost/nothing/here", "{}").status());
        assertEquals(404, preview(strong, "/api/v1/cost/sleepy/subtract", "{}").status());
    }

    @Test
    void aPreviewFromAnotherSiteIsRefusedAsAnyPost() throws Exception {
        Https.Reply r = new Https(strong, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(PREVIEW))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [1, 2, 3]}")).build());
        assertEquals(403, r.status(), r.body());
        assertEquals("cross_site_request", r.error());
    }
}
