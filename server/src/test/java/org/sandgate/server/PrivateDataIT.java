package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * The server's files are its account's alone: the launcher started with umask 022, over a data
 * directory whose files were left readable by others, makes every file and directory under the
 * data directory (but the sandbox tree) unreadable to others, and says in its log what it fixed.
 */
class PrivateDataIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private Path dir;
    private Process server;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("sandgate-private");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor();
        }
        Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
    }

    private static Path loose(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void startedWithUmask022TheServerLeavesNothingOthersCanReadAndLogsWhatItFixed() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("server:\n  bind: 127.0.0.1\n");
        pki.deploy(TestPki.SLEEPY_JAR);
        Path data = loose(Files.createDirectory(dir.resolve("var")), "rwxr-xr-x");
        Path state = loose(Files.createDirectory(data.resolve("state")), "rwxr-xr-x");
        loose(Files.createFile(state.resolve("sessions.db")), "rw-r--r--");
        Path logs = loose(Files.createDirectory(data.resolve("logs")), "rwxr-xr-x");
        loose(Files.writeString(logs.resolve("sandgate.log"), "an old line\n"), "rw-r--r--");
        loose(Files.createDirectory(data.resolve("deployed")), "rwxr-xr-x");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$@\"", "sh"));
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of(LAUNCHER.toString(), "run", "--conf", pki.conf.toString(), "--data", data.toString(),
                "--https-port", String.valueOf(port), "--http-port", "0"));
        server = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile()).start();

        Https https = new Https(null, pki.strong.certificate());
        String base = "https://localhost:" + port;
        awaitHealth(https, base);
        Https.Reply created = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 3, 5]}")).build());
        assertEquals(201, created.status(), created.body());
        JsonNode s = https.get(URI.create(created.json().path("status_url").asText())).json();
        for (Instant end = Instant.now().plusSeconds(60); !s.path("state").asText().equals("DONE")
                && Instant.now().isBefore(end); ) {
            Thread.sleep(200);
            s = https.get(URI.create(created.json().path("status_url").asText())).json();
        }
        assertEquals("DONE", s.path("state").asText(), s.toString());
        assertTrue(Files.exists(state.resolve("sessions.db-wal")), "the store is in use");
        assertTrue(Files.exists(state.resolve("token-signing-key.jwk")));

        List<String> readable = new ArrayList<>();
        Path sandboxes = data.resolve("sandboxes");
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                check(d);
                return d.equals(sandboxes) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                check(f);
                return FileVisitResult.CONTINUE;
            }

            private void check(Path p) throws IOException {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.stream().anyMatch(OTHERS::contains)) {
                    readable.add(data.relativize(p) + " " + PosixFilePermissions.toString(perms));
                }
            }
        });
        assertEquals(List.of(), readable, "reachable by others under " + data);
        assertTrue(Files.readString(dir.resolve("server.out")).contains(data + " was rwxr-xr-x, made rwx------"),
                "the console log says the data directory was fixed");
        String log = Files.readString(logs.resolve("sandgate.log"));
        for (String fixed : List.of(state + " was rwxr-xr-x, made rwx------", data.resolve("deployed") + " was rwxr-xr-x",
                state.resolve("sessions.db") + " was rw-r--r--, made rw-------",
                logs.resolve("sandgate.log") + " was rw-r--r--", "umask 077 (was 022)")) {
            assertTrue(log.contains(fixed), "the log says: " + fixed + "\n" + log);
        }
    }

    private void awaitHealth(Https https, String base) throws Exception {
        boolean up = Await.holdsWithin(Duration.ofSeconds(60),
                () -> https.tryGet(URI.create(base + "/health")).filter(r -> r.status() == 200).isPresent());
        assertTrue(up, () -> "server did not answer: " + output());
    }

    /** What the launched server printed, for a failure message. */
    private String output() {
        try {
            return Files.readString(dir.resolve("server.out"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
