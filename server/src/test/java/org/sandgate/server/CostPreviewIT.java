package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * {@code POST /api/v1/cost/{path}/{method}} over mutual TLS: the cost of {@code sleepy.add} for given
 * arguments, whether each tier's ceiling (60 anonymous, 3600 weak, none strong) allows it and which
 * tier would, all without launching anything.
 */
class CostPreviewIT {
    private static final String PREVIEW = "/api/v1/cost/sleepy/add";

    @RegisterExtension
    static final Site site = Site.with().user("Cora Cost").weakUser("Walt Cost").unmappedUser("Nobody Mapped")
            .deploy(TestPki.SLEEPY_JAR).build();
    static final TestPki.Credential strong = site.user("Cora Cost");
    static final TestPki.Credential weak = site.user("Walt Cost");
    static final TestPki.Credential unmapped = site.user("Nobody Mapped");

    private static Https.Reply preview(TestPki.Credential who, String path, String body) throws Exception {
        return site.post(who, path, body);
    }

    private static int sessions(TestPki.Credential who) throws Exception {
        return site.get(who, "/api/v1/sessions").json().path("sessions").size();
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
        Https.Reply r = site.send(strong, HttpRequest.newBuilder(site.https(PREVIEW))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [1, 2, 3]}")));
        assertEquals(403, r.status(), r.body());
        assertEquals("cross_site_request", r.error());
    }
}
