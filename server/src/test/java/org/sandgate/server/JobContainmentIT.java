package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Personal mode, local back end, {@code jobs.containment: bwrap}: hostile jobs try to read the
 * server's keys and state and another session's sandbox, to outlive cancel and the wall-clock limit
 * with double forks and {@code setsid}, and to find capabilities in the process list; the test
 * plays the job's side for real and checks /proc.
 *
 * <p>Run against the code before the job-boundary work (ported only by dropping the {@code jobs}
 * key that code does not know), each of its six tests of then fails: the job read the signing key,
 * the host key and another sandbox; an immediate {@code sort {file}} printed the signing key; a
 * double-forked sleeper outlived {@code DELETE} and the wall-clock limit; the launcher's command
 * line showed the session id; a link planted in a queued job's files was followed. All pass on the
 * current code.
 */
@Isolated("runs fork bombs and jobs that fill the process table")
class JobContainmentIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICE = """
            service: lab.hostile
            methods:
              run:
                arguments:
                  script: {type: string, max_length: 65536}
                command: [/bin/bash, -c, "{script}"]
              short:
                arguments:
                  script: {type: string, max_length: 65536}
                command: [/bin/bash, -c, "{script}"]
                wall_seconds: 3
              sort:
                kind: immediate
                arguments:
                  file: {type: string}
                command: [sort, "{file}"]
              limits:
                kind: immediate
                command: [cat, /proc/self/limits]
            """;

    @RegisterExtension
    static final Site site = Site.with().user("Alice")
            .before(s -> Files.writeString(s.pki().conf.resolve("services").resolve("hostile.yaml"), SERVICE))
            .config("jobs:\n  containment: bwrap\n  limits:\n    strong:\n      open_files: 333\n"
                    + "      file_bytes: 7340032\nbatch:\n  local:\n    slots: 2\n").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");

    static Path data() {
        return dir.resolve("var");
    }

    static Path sandbox(String id) {
        return SandboxPaths.of(data(), id);
    }

    static Https.Reply post(String method, Object... args) throws Exception {
        return site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/services/lab/hostile/" + method)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(Map.of("args", List.of(args)))))
                .build());
    }

    static String job(String method, String script) throws Exception {
        Https.Reply r = post(method, script);
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    static JsonNode state(String id) throws Exception {
        return site.as(alice).get(site.server().https("/api/v1/sessions/" + id)).json();
    }

    static JsonNode await(String id, List<String> states) throws Exception {
        JsonNode s = Await.value(Duration.ofSeconds(60), () -> state(id), j -> states.contains(j.path("state").asText()));
        assertTrue(states.contains(s.path("state").asText()), s.toString());
        return s;
    }

    static int delete(String id) throws Exception {
        return site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/sessions/" + id)).DELETE().build()).status();
    }

    /** Waits until {@code n} processes whose command line contains {@code marker} run. */
    static void awaitProcesses(String marker, int n) throws Exception {
        Await.holdsWithin(Duration.ofSeconds(30), () -> ProcessTable.containing(marker).size() >= n);
        assertTrue(ProcessTable.containing(marker).size() >= n, ProcessTable.containing(marker).toString());
    }

    static void awaitNone(String marker) throws Exception {
        Await.holdsWithin(Duration.ofSeconds(15), () -> ProcessTable.containing(marker).isEmpty());
        assertEquals(List.of(), ProcessTable.containing(marker), "no process of the job is left");
    }

    /** A script that leaves four sleepers behind: in the background, double-forked, setsid, both. */
    static String escapers(long base) {
        return "setsid sleep " + (base + 1) + " & (sleep " + (base + 2) + " &) ; ( (setsid sleep " + (base + 3)
                + " &) & ) ; nohup sleep " + (base + 4) + " > /dev/null 2>&1 & exec sleep " + (base + 5);
    }

    @Test
    void aJobCannotReadTheServersKeysItsStateOrAnotherSessionsSandbox() throws Exception {
        String other = job("run", "echo the-other-secret > secret");
        await(other, List.of("DONE"));
        Path key = data().resolve("state").resolve("token-signing-key.jwk");
        Path hostKey = pki.conf.resolve("hostkey.pem");
        Path theirs = sandbox(other).resolve("secret");
        Path db = data().resolve("state").resolve("sessions.db");
        for (Path p : List.of(key, hostKey, theirs, db)) {
            assertTrue(Files.isRegularFile(p), p + " exists for the job to try");
        }
        String script = "for f in '" + key + "' '" + hostKey + "' '" + theirs + "' '" + db + "'; do "
                + "if head -c 1 \"$f\" > /dev/null 2>&1; then echo \"READ $f\"; else echo \"DENIED $f\"; fi; done; "
                + "ln '" + key + "' stolen 2> /dev/null && echo LINKED; echo LISTING; "
                + "ls -A '" + data() + "' '" + data().resolve("sandboxes") + "' 2>&1; ls -A '" + pki.conf + "' 2>&1; "
                + "echo procs $(ls -d /proc/[0-9]* | wc -l)";
        String id = job("run", script);
        await(id, List.of("DONE", "FAILED"));
        String out = Files.readString(sandbox(id).resolve("stdout"));
        assertFalse(out.contains("READ"), out);
        assertFalse(out.contains("LINKED"), out);
        assertEquals(4, out.lines().filter(l -> l.startsWith("DENIED")).count(), out);
        assertFalse(out.contains("token-signing-key") && !out.contains("DENIED " + key), out);
        String listing = out.substring(out.indexOf("LISTING"));
        assertFalse(listing.contains(other), "the other sandbox is not even listed: " + out);
        assertFalse(listing.contains("state"), "the state directory is not visible: " + out);
        assertFalse(listing.contains("hostcert.pem"), "the configuration directory is not visible: " + out);
        assertTrue(out.lines().anyMatch(l -> l.matches("procs [1-9]")), "the job sees only its own processes: " + out);
    }

    @Test
    void anImmediateCommandCannotReadTheSigningKey() throws Exception {
        Path key = data().resolve("state").resolve("token-signing-key.jwk");
        String secret = Files.readString(key);
        Https.Reply r = post("sort", key.toString());
        assertEquals(200, r.status(), r.body());
        assertNotEquals(0, r.json().path("result").path("exit_code").asInt(), r.body());
        assertFalse(r.body().contains(secret.strip().substring(0, Math.min(20, secret.strip().length()))), r.body());
        assertTrue(r.json().path("result").path("stderr").asText().contains("No such file"), r.body());
    }

    @Test
    void anImmediateCommandRunsUnderItsCallersTierLimits() throws Exception {
        Https.Reply r = post("limits");
        assertEquals(200, r.status(), r.body());
        String limits = r.json().path("result").path("stdout").asText();
        assertTrue(limits.matches("(?s).*Max open files\\s+333\\s+333\\s.*"), limits);
        assertTrue(limits.matches("(?s).*Max file size\\s+7340032\\s+7340032\\s.*"), limits);
    }

    @Test
    void deletingASessionEndsEveryProcessOfItsJobDoubleForkedAndSetsidOnesToo() throws Exception {
        long base = 7_000_000 + ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        String id = job("run", escapers(base));
        for (int i = 1; i <= 5; i++) {
            awaitProcesses("sleep " + (base + i), 1);
        }
        assertEquals(204, delete(id));
        for (int i = 1; i <= 5; i++) {
            awaitNone("sleep " + (base + i));
        }
    }

    @Test
    void theWallClockLimitEndsEveryProcessOfTheJob() throws Exception {
        long base = 8_000_000 + ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        String id = job("short", escapers(base));
        awaitProcesses("sleep " + (base + 1), 1);
        JsonNode s = await(id, List.of("FAILED", "DONE"));
        assertEquals("FAILED", s.path("state").asText(), s.toString());
        for (int i = 1; i <= 5; i++) {
            awaitNone("sleep " + (base + i));
        }
    }

    @Test
    void noSessionIdOrSandboxPathIsInAnyProcessList() throws Exception {
        String id;
        try (ProcessTable.Sampler sampler = new ProcessTable.Sampler(List.of("sandgate-job", "bwrap", "sleep 4242"))) {
            id = job("run", "sleep 4242; echo $SANDGATE_SESSION");
            awaitProcesses("sleep 4242", 2);
            List<ProcessTable.Entry> now = ProcessTable.all();
            for (ProcessTable.Entry e : now) {
                assertFalse(e.cmdline().contains(id), "a process list shows the session id: " + e);
            }
            assertEquals(204, delete(id));
            awaitNone("sleep 4242");
            assertTrue(sampler.seen().stream().anyMatch(c -> c.contains("sandgate-job-wrapper")),
                    "the sampler saw the wrapper: " + sampler.seen());
            for (String c : sampler.seen()) {
                assertFalse(c.contains(id), "a process list showed the session id: " + c);
            }
        }
    }

    @Test
    void aLinkOrFifoPlantedInAQueuedJobsFilesIsReplacedNotFollowedAndStallsNothing() throws Exception {
        Path target = dir.resolve("server-only");
        Files.writeString(target, "server secret\n");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        String b1 = job("run", "sleep 600");
        String b2 = job("run", "sleep 600");
        await(b1, List.of("RUNNING"));
        await(b2, List.of("RUNNING"));
        String victim = job("run", "echo victim ran");
        String stuck = job("run", "echo stuck ran");
        assertEquals("QUEUED", state(victim).path("state").asText());
        Path vc = sandbox(victim).resolve(".sandgate");
        Files.createDirectories(vc);
        Files.createSymbolicLink(vc.resolve("argv"), target);
        Files.createSymbolicLink(vc.resolve("job.sh"), target);
        Path sc = sandbox(stuck).resolve(".sandgate");
        Files.createDirectories(sc);
        assertEquals(0, Tools.run(dir, null, "mkfifo", sc.resolve("env").toString(), sc.resolve("argv").toString()).exit());
        assertEquals(204, delete(b1));
        assertEquals(204, delete(b2));
        await(victim, List.of("DONE"));
        await(stuck, List.of("DONE"));
        assertEquals("victim ran\n", Files.readString(sandbox(victim).resolve("stdout")));
        assertEquals("server secret\n", Files.readString(target));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertFalse(Files.isSymbolicLink(vc.resolve("argv")));

        // a FIFO where the server looks for the job's files: DELETE and other sessions go on
        String queued = job("run", "true");
        await(queued, List.of("DONE"));
        Path qc = sandbox(queued).resolve(".sandgate");
        Files.delete(qc.resolve("env"));
        assertEquals(0, Tools.run(dir, null, "mkfifo", qc.resolve("env").toString(), qc.resolve("pid-1").toString()).exit());
        Instant before = Instant.now();
        assertEquals(204, delete(queued));
        assertTrue(Duration.between(before, Instant.now()).toSeconds() < 5, "DELETE did not stall");
        String after = job("run", "echo still going");
        await(after, List.of("DONE"));
        assertFalse(Files.exists(sandbox(queued), LinkOption.NOFOLLOW_LINKS));
    }
}
