package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sandgate.batch.JobFiles;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.plugins.JobLab;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Site;

/** Job-launching calls end to end: sessions, sandboxes and the local back end, through real HTTPS. */
class SessionIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").user("Dave").deploy(TestPki.SLEEPY_JAR)
            .before(s -> PluginJar.build(s.pki().conf.resolve("services").resolve("joblab.jar"), JobLab.class))
            .config("batch:\n  local:\n    slots: 2\n").build();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential dave = site.user("Dave");

    static Https.Reply post(TestPki.Credential who, String path, String body) throws Exception {
        return site.post(who, path, body);
    }

    static Https.Reply get(TestPki.Credential who, String path) throws Exception {
        return site.get(who, path);
    }

    static JsonNode waitForEnd(TestPki.Credential who, String id) throws Exception {
        return Await.value(Duration.ofSeconds(60), () -> get(who, "/api/v1/sessions/" + id).json(),
                s -> List.of("DONE", "FAILED", "CANCELLED").contains(s.path("state").asText()));
    }

    /** Whether a process runs: zombies (killed, not yet reaped) count as gone. */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static Path sandbox(String id) {
        return site.sandbox(id);
    }

    @Test
    void sleepyAddRunsInItsSandboxAndEndsDone() throws Exception {
        Https.Reply created = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [1, 3, 5]}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("session").asText();
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(site.https("/sandbox/" + id + "/").toString(), created.json().get("url").asText());
        assertEquals(site.https("/api/v1/sessions/" + id).toString(), created.json().get("status_url").asText());
        assertEquals(created.json().get("status_url").asText(),
                created.raw().headers().firstValue("location").orElse(""));
        assertTrue(List.of("QUEUED", "RUNNING").contains(created.json().get("state").asText()));

        JsonNode done = waitForEnd(alice, id);
        assertEquals("DONE", done.get("state").asText(), done.toString());
        assertEquals(0, done.get("exit_code").asInt());
        assertEquals("sleepy", done.get("service").asText());
        assertEquals("add", done.get("method").asText());
        assertEquals(alice.dn(), done.get("owner").asText());
        assertEquals("alice", done.get("account").asText());
        assertEquals("local", done.get("backend").asText());
        assertEquals(id, done.get("backend_job_id").asText());
        List<String> files = new ArrayList<>();
        done.get("files").forEach(f -> files.add(f.get("path").asText()));
        assertTrue(files.containsAll(List.of("stdout", "stderr")), files.toString());
        assertEquals("sleepyadd 3 + 5 = 8\n", Files.readString(sandbox(id).resolve("stdout")));
    }

    @Test
    void theEventStreamSendsEachStateUntilTheEnd() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [1, 2, 2]}").json().get("session").asText();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(Https.sslContext(alice, site.pki().strong.certificate())).build();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> r = client.send(
                HttpRequest.newBuilder(site.https("/api/v1/sessions/" + id + "/events")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> states = new ArrayList<>();
        r.body().filter(l -> l.startsWith("data: ")).forEach(l -> {
            try {
                states.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l.substring(6)).get("state").asText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals("DONE", states.get(states.size() - 1), states.toString());
        assertTrue(states.size() >= 2 && List.of("QUEUED", "RUNNING").contains(states.get(0)), states.toString());
        assertEquals(states.size(), states.stream().distinct().count(), "one event per state: " + states);

        Https.Reply other = get(dave, "/api/v1/sessions/" + id + "/events");
        assertEquals(404, other.status(), other.body());
        assertEquals("not_found", other.error());
    }

    @Test
    void metricsCountRequestsSessionsAndJobDurations() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 1]}").json().get("session").asText();
        waitForEnd(alice, id);
        get(alice, "/api/v1/sessions/" + "0".repeat(32));
        Https.Reply r = get(null, "/metrics");
        assertEquals(200, r.status());
        assertTrue(r.raw().headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String text = r.body();
        assertTrue(text.contains("sandgate_http_requests_total{code=\"200\"}"), text);
        assertTrue(text.contains("sandgate_http_requests_total{code=\"404\"}"), text);
        assertTrue(text.matches("(?s).*sandgate_sessions\\{state=\"DONE\"\\} [1-9].*"), text);
        assertTrue(text.matches("(?s).*sandgate_job_duration_seconds_count [1-9].*"), text);
    }

    @Test
    void costOfAJobIsCheckedLikeAnyCall() throws Exception {
        TestPki.Credential walt = site.pki().weakUser("Walt");
        site.pki().map(walt.dn(), "walt");
        Thread.sleep(2500);
        Https.Reply r = post(walt, "/api/v1/services/sleepy/add", "{\"args\": [4000, 1, 2]}");
        assertEquals(403, r.status(), r.body());
        assertEquals("insufficient_credential", r.error());
        assertEquals("strong", r.json().get("required_tier").asText());
    }

    @Test
    void exitCodesAndOutputsAreRecorded() throws Exception {
        String id = post(alice, "/api/v1/services/lab/jobs/exit", "{\"args\": [3]}").json().get("session").asText();
        JsonNode s = waitForEnd(alice, id);
        assertEquals("FAILED", s.get("state").asText(), s.toString());
        assertEquals(3, s.get("exit_code").asInt());
        assertEquals("out\n", Files.readString(sandbox(id).resolve("stdout")));
        assertEquals("err\n", Files.readString(sandbox(id).resolve("stderr")));
    }

    @Test
    void argumentsReachTheProgramAsSeparateLiteralArguments() throws Exception {
        String hostile = "$(id); rm -rf / `id` \"quoted\" 'single' --flag\nnewline";
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                java.util.Map.of("args", List.of(hostile)));
        String id = post(alice, "/api/v1/services/lab/jobs/argv", body).json().get("session").asText();
        JsonNode s = waitForEnd(alice, id);
        assertEquals("DONE", s.get("state").asText(), s.toString());
        assertEquals(hostile + "|second|", Files.readString(sandbox(id).resolve("stdout")));
        assertEquals(hostile, Files.readString(sandbox(id).resolve("input.txt")));
    }

    @Test
    void theServiceContextGivesTheSessionTheCallerAndOnlyTheCallersOtherSessions() throws Exception {
        String first = post(alice, "/api/v1/services/lab/jobs/exit", "{\"args\": [0]}").json().get("session").asText();
        waitForEnd(alice, first);
        String mine = post(alice, "/api/v1/services/lab/jobs/context", "{\"args\": [\"" + first + "\"]}")
                .json().get("session").asText();
        waitForEnd(alice, mine);
        assertEquals(mine + " alice DONE:0", Files.readString(sandbox(mine).resolve("stdout")));
        String theirs = post(dave, "/api/v1/services/lab/jobs/context", "{\"args\": [\"" + first + "\"]}")
                .json().get("session").asText();
        waitForEnd(dave, theirs);
        assertEquals(theirs + " dave invisible", Files.readString(sandbox(theirs).resolve("stdout")));
    }

    @Test
    void aJobSeesAFixedEnvironmentAndWhatItsServiceAskedForNotTheServers() throws Exception {
        String id = post(alice, "/api/v1/services/lab/jobs/environment", "{}").json().get("session").asText();
        waitForEnd(alice, id);
        List<String> env = Files.readAllLines(sandbox(id).resolve("stdout"));
        assertTrue(env.contains("COLOUR=blue"), env.toString());
        assertTrue(env.contains("SANDGATE_SESSION=" + id), env.toString());
        assertTrue(env.contains("HOME=" + sandbox(id).toRealPath()) || env.contains("HOME=" + sandbox(id)), env.toString());
        assertFalse(env.stream().anyMatch(e -> e.startsWith("JAVA_HOME=") || e.startsWith("MAVEN")), env.toString());
        assertTrue(env.contains("SANDGATE_SANDBOX=" + sandbox(id)), env.toString());
        // PATH, LANG, HOME, TMPDIR, SANDGATE_SESSION, SANDGATE_SANDBOX, COLOUR, and what sh adds (PWD, OLDPWD)
        assertTrue(env.size() <= 9, env.toString());
    }

    @Test
    void aJobOverItsWallClockLimitIsKilledAndFails() throws Exception {
        String id = post(alice, "/api/v1/services/lab/jobs/overrun", "{}").json().get("session").asText();
        JsonNode s = waitForEnd(alice, id);
        assertEquals("FAILED", s.get("state").asText(), s.toString());
        assertEquals(124, s.get("exit_code").asInt());
        assertTrue(s.get("message").asText().contains("wall-clock limit"), s.toString());
    }

    @Test
    void aServiceThatFailsToPrepareItsJobLeavesNothingBehind() throws Exception {
        long before = Files.list(site.dir().resolve("var").resolve("sandboxes")).count();
        Https.Reply r = post(alice, "/api/v1/services/lab/jobs/broken", "{}");
        assertEquals(500, r.status(), r.body());
        assertEquals("service_error", r.error());
        assertFalse(r.body().contains("secret"));
        assertEquals(before, Files.list(site.dir().resolve("var").resolve("sandboxes")).count());
    }

    @Test
    void anotherUsersSessionIsA404LikeAnUnknownOne() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 1]}").json().get("session").asText();
        Https.Reply other = get(dave, "/api/v1/sessions/" + id);
        Https.Reply unknown = get(dave, "/api/v1/sessions/" + "0".repeat(32));
        Https.Reply malformed = get(dave, "/api/v1/sessions/not-a-session-id");
        for (Https.Reply r : List.of(other, unknown, malformed)) {
            assertEquals(404, r.status(), r.body());
            assertEquals("not_found", r.error());
        }
        assertEquals(other.body(), unknown.body());
        Https.Reply delete = site.delete(dave, "/api/v1/sessions/" + id);
        assertEquals(404, delete.status());
        List<String> mine = new ArrayList<>();
        get(dave, "/api/v1/sessions").json().get("sessions").forEach(s -> mine.add(s.get("session").asText()));
        assertFalse(mine.contains(id));
        List<String> alices = new ArrayList<>();
        get(alice, "/api/v1/sessions").json().get("sessions").forEach(s -> alices.add(s.get("session").asText()));
        assertTrue(alices.contains(id));
    }

    @Test
    void deletingARunningSessionKillsItsJobAndRemovesEverything() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [300, 1, 1]}").json().get("session").asText();
        Await.value(Duration.ofSeconds(20), () -> get(alice, "/api/v1/sessions/" + id).json().path("state").asText(),
                "RUNNING"::equals);
        Path control = sandbox(id).resolve(".sandgate");
        Await.holdsWithin(Duration.ofSeconds(20), () -> JobFiles.numberNamed(control, "pid-").isPresent());
        long pid = JobFiles.numberNamed(control, "pid-").orElseThrow();
        Thread.sleep(300);
        List<ProcessHandle> tree = new ArrayList<>(ProcessHandle.of(pid).orElseThrow().descendants().toList());
        Https.Reply r = site.delete(alice, "/api/v1/sessions/" + id);
        assertEquals(204, r.status(), r.body());
        assertEquals(404, get(alice, "/api/v1/sessions/" + id).status());
        assertFalse(Files.exists(sandbox(id)));
        Thread.sleep(500);
        assertFalse(running(pid), "the job's shell is gone");
        assertFalse(tree.isEmpty());
        for (ProcessHandle p : tree) {
            assertFalse(running(p.pid()), "the job's process " + p.pid() + " is gone");
        }
    }

    @Test
    void jobsBeyondTheSlotsWaitQueued() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(post(alice, "/api/v1/services/sleepy/add", "{\"args\": [3, 1, 1]}").json().get("session").asText());
        }
        Thread.sleep(1500);
        long running = 0;
        long queued = 0;
        for (String id : ids) {
            String state = get(alice, "/api/v1/sessions/" + id).json().get("state").asText();
            running += state.equals("RUNNING") ? 1 : 0;
            queued += state.equals("QUEUED") ? 1 : 0;
        }
        assertTrue(running <= 2, "at most two slots run at once");
        assertTrue(queued >= 1, "the third waits");
        for (String id : ids) {
            assertEquals("DONE", waitForEnd(alice, id).get("state").asText());
        }
    }

}
