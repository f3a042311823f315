package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sandgate.server.plugins.BatchLab;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;
import org.sandgate.server.testkit.Tools;

/**
 * The Slurm, PBS and DRMAA back ends against real batch systems on this host (Slurm, Slurm's PBS
 * commands, Grid Engine's DRMAA library), through real HTTPS calls.
 */
@Isolated("submits to the host's Slurm, PBS commands and Grid Engine, and may start them")
@Tag("batch")
class BatchBackendsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PART = Map.of("slurm", "slurm", "pbs", "pbs", "drmaa", "sge");

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential alice;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        Path services = pki.conf.resolve("services");
        PluginJar.build(services.resolve("slurm-lab.jar"), BatchLab.OnSlurm.class, BatchLab.class);
        PluginJar.build(services.resolve("pbs-lab.jar"), BatchLab.OnPbs.class, BatchLab.class);
        PluginJar.build(services.resolve("drmaa-lab.jar"), BatchLab.OnDrmaa.class, BatchLab.class);
        pki.config(pki.baseConfig() + """
                batch:
                  poll_seconds: 0.5
                  services: {lab.slurm: slurm, lab.pbs: pbs, lab.drmaa: drmaa}
                  pbs:
                    bin_dir: %s
                  drmaa:
                    native_specification: "-l h_rt={wall_seconds}"
                """.formatted(BatchSystems.PBS_BIN));
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static Https.Reply send(HttpRequest.Builder request) throws Exception {
        return new Https(alice, pki.strong.certificate()).send(request.build());
    }

    static JsonNode call(String backend, String method, String body) throws Exception {
        Https.Reply r = send(HttpRequest.newBuilder(server.https("/api/v1/services/lab/" + backend + "/" + method))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    static JsonNode session(String id) throws Exception {
        return send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + id))).json();
    }

    static JsonNode waitFor(String id, List<String> states, Duration limit) throws Exception {
        return Await.value(limit, () -> session(id), s -> states.contains(s.path("state").asText()));
    }

    static String file(String id, String name) throws Exception {
        return Files.readString(SandboxPaths.of(pki.root.resolve("var"), id).resolve(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"slurm", "pbs", "drmaa"})
    void jobRunsInItsSandboxWithItsArgvAndEnvironment(String backend) throws Exception {
        BatchSystems.require(PART.get(backend));
        String text = "; rm -rf / $(id) `id` \"q\" 'x' \\ *";
        String id = call(backend, "argv", JSON.writeValueAsString(Map.of("args", List.of(text)))).path("session").asText();
        JsonNode created = session(id);
        assertEquals(backend, created.path("backend").asText());
        assertTrue(created.path("backend_job_id").asText().matches("[0-9]+(\\..*)?"), created.toString());
        JsonNode end = waitFor(id, List.of("DONE", "FAILED", "CANCELLED"), Duration.ofSeconds(90));
        assertEquals("DONE", end.path("state").asText(), end.toString());
        assertEquals(0, end.path("exit_code").asInt());
        assertEquals(text + "|second|root\nfrom the service\nblue", file(id, "stdout"));
        Path sandbox = SandboxPaths.of(pki.root.resolve("var"), id);
        assertTrue(file(id, "stderr").contains(sandbox.toString()), "the job ran in its sandbox: " + file(id, "stderr"));
        assertFalse(sandbox.toString().contains(id), "the sandbox's path shows no session id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"slurm", "pbs", "drmaa"})
    void exitCodeOfAFailingJobIsReported(String backend) throws Exception {
        BatchSystems.require(PART.get(backend));
        String id = call(backend, "exit", "{\"args\": [3]}").path("session").asText();
        JsonNode end = waitFor(id, List.of("DONE", "FAILED", "CANCELLED"), Duration.ofSeconds(90));
        assertEquals("FAILED", end.path("state").asText(), end.toString());
        assertEquals(3, end.path("exit_code").asInt(), end.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"slurm", "pbs", "drmaa"})
    void cancellingASessionCancelsItsBatchJob(String backend) throws Exception {
        BatchSystems.require(PART.get(backend));
        String id = call(backend, "sleep", "{\"args\": [300]}").path("session").asText();
        String jobId = session(id).path("backend_job_id").asText();
        JsonNode running = waitFor(id, List.of("RUNNING"), Duration.ofSeconds(60));
        assertEquals("RUNNING", running.path("state").asText(), running.toString());
        assertEquals(204, send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + id)).DELETE()).status());
        Await.holdsWithin(Duration.ofSeconds(30), () -> !jobAlive(backend, jobId));
        assertTrue(!jobAlive(backend, jobId), backend + " job " + jobId + " still runs after the session was deleted");
    }

    /** Whether the batch system still has the job queued or running. */
    static boolean jobAlive(String backend, String jobId) throws Exception {
        if (backend.equals("drmaa")) {
            return Tools.run(Path.of("/"), null, "qstat", "-j", jobId).exit() == 0;
        }
        String state = Tools.run(Path.of("/"), null, "squeue", "-h", "-t", "all", "-j", jobId, "-o", "%T").out().strip();
        return state.equals("PENDING") || state.equals("RUNNING") || state.equals("COMPLETING");
    }

    @Test
    void followingManyJobsCostsOneSqueueCallPerPoll() throws Exception {
        BatchSystems.require("slurm");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(call("slurm", "sleep", "{\"args\": [60]}").path("session").asText());
        }
        long before = squeueCalls();
        Thread.sleep(4000);
        long calls = squeueCalls() - before;
        for (String id : ids) {
            send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + id)).DELETE());
        }
        // polled every 0.5 s for 4 s: about 8 calls for all eight jobs, not 8 per job
        assertTrue(calls >= 4 && calls <= 11, calls + " squeue calls in 4 s while following 8 jobs");
    }

    static long squeueCalls() throws Exception {
        String metrics = new Https(alice, pki.strong.certificate()).get(server.https("/metrics")).body();
        Matcher m = Pattern.compile("sandgate_batch_commands_total\\{program=\"squeue\"} ([0-9.eE+]+)").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
