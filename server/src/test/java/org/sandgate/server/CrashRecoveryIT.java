package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sandgate.batch.JobFiles;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * A {@code kill -9} of the server loses no session and no result: jobs run on, and after a restart
 * the server finds every session with its right state, including jobs that ended while it was down
 * and jobs still running, which it follows to the end.
 */
class CrashRecoveryIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;

    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (dir != null) {
            Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
        }
    }

    private Process startServer(TestPki pki, int port) throws IOException {
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of(LAUNCHER.toString(), "run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("var").toString(), "--https-port", String.valueOf(port), "--http-port", "0"));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile())).start();
        started.add(p);
        return p;
    }

    private static void awaitHealth(Https https, int port) throws Exception {
        Await.until("the server answers /health", Duration.ofSeconds(60),
                () -> https.tryGet(URI.create("https://localhost:" + port + "/health")).filter(r -> r.status() == 200).isPresent());
    }

    private static JsonNode status(Https https, int port, String id) throws Exception {
        return https.get(URI.create("https://localhost:" + port + "/api/v1/sessions/" + id)).json();
    }

    @Test
    void killDashNineLosesNoSessionAndNoResult() throws Exception {
        dir = Files.createTempDirectory("sandgate-crash");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestPki pki = TestPki.create(dir.resolve("site"));
        TestPki.Credential alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config("server:\n  bind: 127.0.0.1\nbatch:\n  local:\n    slots: 4\n");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Https https = new Https(alice, pki.strong.certificate());
        Process first = startServer(pki, port);
        awaitHealth(https, port);

        String shortJob = call(https, port, "[2, 20, 22]");
        String longJob = call(https, port, "[10, 1.5, 2.25]");
        Await.holdsWithin(Duration.ofSeconds(30), () -> status(https, port, shortJob).path("state").asText().equals("RUNNING")
                && status(https, port, longJob).path("state").asText().equals("RUNNING"));

        List<ProcessHandle> jvms = first.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).toList();
        assertEquals(1, jvms.size(), "one server JVM");
        jvms.get(0).destroyForcibly();                      // SIGKILL: no shutdown hook runs
        first.waitFor();

        Path shortControl = SandboxPaths.of(dir.resolve("var"), shortJob);
        Await.holdsWithin(Duration.ofSeconds(30), () -> JobFiles.exitCode(shortControl).isPresent());
        assertTrue(JobFiles.exitCode(shortControl).isPresent(), "the job ran on while the server was dead");
        assertTrue(JobFiles.exitCode(SandboxPaths.of(dir.resolve("var"), longJob)).isEmpty(),
                "the long job is still running when the server comes back");

        startServer(pki, port);
        awaitHealth(https, port);
        JsonNode s = awaitEnd(https, port, shortJob);
        assertEquals("DONE", s.get("state").asText(), s.toString());
        assertEquals(0, s.get("exit_code").asInt());
        assertEquals("sleepyadd 20 + 22 = 42\n",
                Files.readString(SandboxPaths.of(dir.resolve("var"), shortJob).resolve("stdout")));
        JsonNode l = awaitEnd(https, port, longJob);
        assertEquals("DONE", l.get("state").asText(), l.toString());
        assertEquals("sleepyadd 1.5 + 2.25 = 3.75\n",
                Files.readString(SandboxPaths.of(dir.resolve("var"), longJob).resolve("stdout")));
        List<String> listed = new ArrayList<>();
        https.get(URI.create("https://localhost:" + port + "/api/v1/sessions")).json().get("sessions")
                .forEach(x -> listed.add(x.get("session").asText()));
        assertTrue(listed.containsAll(List.of(shortJob, longJob)), listed.toString());
    }

    private static String call(Https https, int port, String args) throws Exception {
        Https.Reply r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                        + "/api/v1/services/sleepy/add")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": " + args + "}")).build());
        assertEquals(201, r.status(), r.body());
        return r.json().get("session").asText();
    }

    private static JsonNode awaitEnd(Https https, int port, String id) throws Exception {
        return Await.value(Duration.ofSeconds(60), () -> status(https, port, id),
                s -> List.of("DONE", "FAILED", "CANCELLED").contains(s.path("state").asText()));
    }
}
