package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/** Fair shares: a flood of one caller is cut off at its tier's limit, and the local queue is shared across owners. */
@Isolated("counts which of a flood of jobs still wait when another owner's ends")
class FairShareIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").user("Dave").deploy(TestPki.SLEEPY_JAR)
            .config("batch:\n  local:\n    slots: 2\n").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential dave = site.user("Dave");

    static Https.Reply launch(TestPki.Credential who, int seconds) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [" + seconds + ", 1, 2]}")).build());
    }

    static String state(TestPki.Credential who, String id) throws Exception {
        return site.as(who).get(site.server().https("/api/v1/sessions/" + id)).json()
                .path("state").asText();
    }

    static void remove(TestPki.Credential who, String id) throws Exception {
        site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/sessions/" + id))
                .DELETE().build());
    }

    @Test
    void anAnonymousFloodIsRefusedAfterFiveSessionsWithRetryAfterAndAudited() throws Exception {
        List<String> mine = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Https.Reply r = launch(null, 30);
                assertEquals(201, r.status(), "session " + (i + 1) + ": " + r.body());
                mine.add(r.json().path("session").asText());
            }
            for (int i = 0; i < 20; i++) {
                Https.Reply refused = launch(null, 30);
                assertEquals(429, refused.status(), refused.body());
                assertEquals("too_many_sessions", refused.error(), refused.body());
                assertEquals(5, refused.json().path("limit").asInt(), refused.body());
                assertEquals("30", refused.raw().headers().firstValue("Retry-After").orElse(""));
            }
            Https.Reply strong = launch(alice, 0);
            assertEquals(201, strong.status(), "another caller is not held up: " + strong.body());
            assertTrue(Files.readAllLines(dir.resolve("var/logs/audit.log")).stream().anyMatch(l ->
                    l.contains("\"decision\":\"deny\"") && l.contains("too_many_sessions") && l.contains("\"tier\":\"anonymous\"")),
                    "the refusal is audited");

            remove(null, mine.remove(0));
            Https.Reply again = launch(null, 30);
            assertEquals(201, again.status(), "a removed session gives its slot back: " + again.body());
            mine.add(again.json().path("session").asText());
        } finally {
            for (String id : mine) {
                remove(null, id);
            }
        }
    }

    @Test
    void aJobOfAnotherOwnerStartsPromptlyWhileOneOwnerHasManyQueued() throws Exception {
        List<String> daves = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                Https.Reply r = launch(dave, 3);
                assertEquals(201, r.status(), r.body());
                daves.add(r.json().path("session").asText());
            }
            Instant asked = Instant.now();
            Https.Reply r = launch(alice, 0);
            assertEquals(201, r.status(), r.body());
            String id = r.json().path("session").asText();
            Await.until("alice's job ends", Duration.ofSeconds(60), () -> state(alice, id).equals("DONE"));
            Duration waited = Duration.between(asked, Instant.now());
            int stillQueued = 0;
            for (String d : daves) {
                if (state(dave, d).equals("QUEUED")) {
                    stillQueued++;
                }
            }
            assertTrue(stillQueued >= 3, "alice's job ran before most of dave's queue (first come, first served"
                    + " would have run all 12 first): " + stillQueued + " of dave's still queued");
            assertTrue(waited.toSeconds() < 12, "alice waited " + waited + " behind dave's queue");
        } finally {
            for (String d : daves) {
                remove(dave, d);
            }
        }
    }
}
