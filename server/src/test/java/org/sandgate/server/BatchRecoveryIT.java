package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.plugins.BatchLab;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;
import org.sandgate.server.testkit.Tools;

/**
 * Slurm jobs across a server restart, and a Slurm controller that goes away and comes back: real
 * Slurm daemons, real HTTPS.
 */
@Isolated("stops and starts the host's Slurm controller")
@Tag("batch")
class BatchRecoveryIT {
    @TempDir
    Path dir;
    TestPki pki;
    TestServer server;
    TestPki.Credential alice;

    @BeforeEach
    void start() throws Exception {
        BatchSystems.require("slurm");
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        PluginJar.build(pki.conf.resolve("services").resolve("slurm-lab.jar"), BatchLab.OnSlurm.class, BatchLab.class);
        pki.config(pki.baseConfig() + "batch:\n  default: slurm\n  poll_seconds: 0.5\n");
        server = TestServer.start(pki.conf);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    Https.Reply send(HttpRequest.Builder request) throws Exception {
        return new Https(alice, pki.strong.certificate()).send(request.build());
    }

    Https.Reply call(String method, String body) throws Exception {
        return send(HttpRequest.newBuilder(server.https("/api/v1/services/lab/slurm/" + method))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    String started(String method, String body) throws Exception {
        Https.Reply r = call(method, body);
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    JsonNode session(String id) throws Exception {
        return send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + id))).json();
    }

    JsonNode waitFor(String id, List<String> states, Duration limit) throws Exception {
        return Await.value(limit, () -> session(id), s -> states.contains(s.path("state").asText()));
    }

    static String slurmState(String jobId) throws Exception {
        return Tools.run(Path.of("/"), null, "squeue", "-h", "-t", "all", "-j", jobId, "-o", "%T").out().strip();
    }

    @Test
    void jobsAreFollowedAgainAfterARestartWithTheirRealExitCodes() throws Exception {
        String early = started("late", "{\"args\": [1, 7]}");
        String later = started("late", "{\"args\": [20, 0]}");
        String earlyJob = session(early).path("backend_job_id").asText();
        server.close();
        server = null;
        Await.holdsWithin(Duration.ofSeconds(60), () -> List.of("FAILED", "COMPLETED").contains(slurmState(earlyJob)));
        assertEquals("FAILED", slurmState(earlyJob), "the first job ends while the server is down");

        server = TestServer.start(pki.conf);
        JsonNode first = waitFor(early, List.of("DONE", "FAILED"), Duration.ofSeconds(30));
        assertEquals("FAILED", first.path("state").asText(), first.toString());
        assertEquals(7, first.path("exit_code").asInt(), first.toString());
        JsonNode second = waitFor(later, List.of("DONE", "FAILED"), Duration.ofSeconds(90));
        assertEquals("DONE", second.path("state").asText(), second.toString());
        assertEquals(0, second.path("exit_code").asInt());
    }

    @Test
    void aJobSubmittedJustBeforeACrashIsReattachedNotSubmittedTwice() throws Exception {
        String id = started("late", "{\"args\": [8, 0]}");
        String jobId = session(id).path("backend_job_id").asText();
        server.close();
        server = null;
        // as if the server had died after sbatch accepted the job but before the job id was stored
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + pki.root.resolve("var/state/sessions.db"));
             java.sql.PreparedStatement p = c.prepareStatement(
                     "UPDATE sessions SET state='QUEUED', backend_job_id=NULL WHERE id=?")) {
            p.setString(1, id);
            assertEquals(1, p.executeUpdate());
        }
        server = TestServer.start(pki.conf);
        JsonNode end = waitFor(id, List.of("DONE", "FAILED"), Duration.ofSeconds(90));
        assertEquals("DONE", end.path("state").asText(), end.toString());
        assertEquals(jobId, end.path("backend_job_id").asText(), "re-attached to the job already submitted");
        String named = Tools.run(Path.of("/"), null, "squeue", "-h", "-t", "all", "--name="
                + SandboxPaths.of(pki.root.resolve("var"), id).getFileName(), "-o", "%i").out().strip();
        assertEquals(jobId, named, "no second job was submitted");
    }

    @Test
    void aSlurmControllerThatIsDownGets503AndFollowingResumesWhenItIsBack() throws Exception {
        String running = started("late", "{\"args\": [15, 0]}");
        assertEquals("RUNNING", waitFor(running, List.of("RUNNING"), Duration.ofSeconds(60)).path("state").asText());
        Path sandboxes = pki.root.resolve("var").resolve("sandboxes");
        long before = count(sandboxes);
        long sessionsBefore = sessions();
        try {
            Tools.Result stop = Tools.run(Path.of("/"), null, "sh", "-c", "kill $(cat /run/slurm/slurmctld.pid)");
            assertEquals(0, stop.exit(), stop.toString());
            Await.holdsWithin(Duration.ofSeconds(20),
                    () -> !Tools.run(Path.of("/"), null, "scontrol", "ping").out().contains("UP"));
            Https.Reply refused = call("late", "{\"args\": [0, 0]}");
            assertEquals(503, refused.status(), refused.body());
            assertEquals("backend_unavailable", refused.error());
            assertTrue(refused.json().path("message").asText().startsWith("slurm: sbatch:"), refused.body());
            assertEquals(before, count(sandboxes), "no sandbox is left behind");
            assertEquals(sessionsBefore, sessions(), "no session is left behind");
            assertEquals(200, send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + running))).status());
        } finally {
            Tools.Result up = Tools.run(Path.of("."), null, "bash", BatchSystems.SCRIPT.toString(), "slurm");
            assertEquals(0, up.exit(), up.toString());
        }
        JsonNode end = waitFor(running, List.of("DONE", "FAILED"), Duration.ofSeconds(90));
        assertEquals("DONE", end.path("state").asText(), "followed again once Slurm is back: " + end);
        assertEquals(201, call("late", "{\"args\": [0, 0]}").status());
    }

    long sessions() throws Exception {
        return send(HttpRequest.newBuilder(server.https("/api/v1/sessions"))).json().path("sessions").size();
    }

    static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
