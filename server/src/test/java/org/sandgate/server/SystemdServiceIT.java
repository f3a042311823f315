package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.systemd.SystemdNotify;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * What the systemd unit relies on, with a real Unix datagram socket on the receiving side (python3,
 * as systemd's would be): {@code READY=1} over {@code NOTIFY_SOCKET} once the connectors answer,
 * SIGHUP as the administrator's reload (bracketed by {@code RELOADING=1} and {@code READY=1}).
 */
@Isolated("times the server's notifications and reloads by signal")
class SystemdServiceIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;
    /** Prints every datagram received on argv[1] as one line, its newlines written as '|'. */
    private static final String RECEIVER = """
            import os, socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            name = sys.argv[1]
            s.bind("\\0" + name[1:] if name.startswith("@") else name)
            if not name.startswith("@"):
                os.chmod(name, 0o666)
            print("bound", flush=True)
            while True:
                print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
            """;

    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException {
        Tools.require("python3");
        dir = Files.createTempDirectory("sandgate-systemd");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
    }

    @Test
    void readyIsSentWhenTheServerAnswersAndSighupReloadsTheConfiguration() throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path received = receiver(socket.toString());
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("server:\n  bind: 127.0.0.1\n");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.resolve("site").toString()).exit());
        }
        int port = freePort();
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of(LAUNCHER.toString(), "run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("site/var").toString(), "--https-port", String.valueOf(port), "--http-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile());
        pb.environment().put("NOTIFY_SOCKET", socket.toString());
        Process launcher = pb.start();
        started.add(launcher);

        List<String> ready = awaitLines(received, 2, launcher);
        assertTrue(ready.get(1).startsWith("READY=1|STATUS=listening on "), ready.toString());
        // ready means answering: no retry needed
        Https anonymous = new Https(null, pki.strong.certificate());
        URI whoami = URI.create("https://localhost:" + port + "/api/v1/whoami");
        Https.Reply health = anonymous.get(URI.create("https://localhost:" + port + "/health"));
        assertEquals(200, health.status());
        assertEquals(System.getProperty("sandgate.test.version"), health.json().path("version").asText(),
                "/health says the build's version: " + health.body());
        assertEquals(System.getProperty("sandgate.test.version"), anonymous.get(URI.create("https://localhost:" + port
                + "/api/v1/openapi.json")).json().path("info").path("version").asText(), "and so does the OpenAPI document");
        assertEquals(200, anonymous.get(whoami).status());

        pki.config("anonymous: false\nserver:\n  bind: 127.0.0.1\n");
        ProcessHandle java = Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                .filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow();
        assertEquals(0, Tools.run(dir, null, "kill", "-HUP", Long.toString(java.pid())).exit());
        List<String> reload = awaitLines(received, 4, launcher);
        assertEquals("RELOADING=1", reload.get(2), reload.toString());
        assertEquals("READY=1|STATUS=reloaded", reload.get(3), reload.toString());
        assertTrue(launcher.isAlive(), "SIGHUP ended the server:\n" + Files.readString(dir.resolve("server.out")));
        Https.Reply refused = anonymous.get(whoami);
        assertEquals(401, refused.status(), refused.body());
        assertEquals("certificate_required", refused.json().path("error").asText(), refused.body());
        assertTrue(Files.readString(dir.resolve("site/var/logs/sandgate.log"))
                .contains("configuration, grid-mapfile and trust anchors reloaded"));
    }

    @Test
    void anAbstractSocketNameIsReachedAndNoSocketSendsNothing() throws Exception {
        String name = "@sandgate-test-" + UUID.randomUUID();
        Path received = receiver(name);
        assertTrue(new SystemdNotify(Optional.of(name)).send("READY=1\nSTATUS=test"));
        assertEquals(List.of("bound", "READY=1|STATUS=test"), awaitLines(received, 2, null));
        assertEquals(false, new SystemdNotify(Optional.empty()).send("READY=1"));
        assertEquals(false, new SystemdNotify(Optional.of("")).send("READY=1"));
    }

    /** Starts the receiver on a socket name; returns the file its lines go to, once it is bound. */
    private Path receiver(String name) throws Exception {
        Path out = dir.resolve("received-" + started.size());
        started.add(new ProcessBuilder("python3", "-c", RECEIVER, name).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start());
        awaitLines(out, 1, null);
        return out;
    }

    private List<String> awaitLines(Path file, int count, Process server) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        List<String> lines = List.of();
        while (Instant.now().isBefore(deadline)) {
            lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            if (lines.size() >= count) {
                return lines;
            }
            if (server != null && !server.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + count + " lines, got " + lines
                + (server == null ? "" : "\nserver:\n" + Files.readString(dir.resolve("server.out"))));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
