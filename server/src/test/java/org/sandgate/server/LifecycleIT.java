package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * Stopping a server stops everything it started: no thread of its components is left, and no file
 * of its data directory (the session store, the audit log) is still open in this process.
 */
@Isolated("counts the threads and open files of the whole JVM, which other servers would add to")
class LifecycleIT {
    /** Threads of the server's own components, by the start of their names. */
    private static final List<String> OURS = List.of("periodic-", "job-start", "service-call", "command-output",
            "deploy-watch", "sandgate-");

    @TempDir
    Path dir;

    @Test
    void aStoppedServerLeavesNoThreadAndNoOpenFileOfItsOwn() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Credential alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        pki.deploy(TestPki.ECHO_JAR);
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig());
        for (int round = 0; round < 2; round++) {
            try (TestServer server = TestServer.start(pki.conf)) {
                Https https = new Https(alice, pki.strong.certificate());
                Https.Reply echo = https.send(post(server, "echo/echo", "{\"args\": [\"hi\", 2]}"));
                assertEquals(200, echo.status(), echo.body());
                String session = https.send(post(server, "sleepy/add", "{\"args\": [0, 1, 1]}")).json()
                        .get("session").asText();
                Await.until("the job ended", Duration.ofSeconds(30), () -> https.get(server.https("/api/v1/sessions/"
                        + session)).json().get("state").asText().equals("DONE"));
                assertEquals(true, openFilesUnder(dir.resolve("var")).stream().anyMatch(f -> f.endsWith("audit.log")),
                        "the audit log is open while the server runs (else this test proves nothing)");
            }
            Await.holdsWithin(Duration.ofSeconds(10), () -> ourThreads().isEmpty());
            assertEquals(List.of(), ourThreads());
            assertEquals(List.of(), openFilesUnder(dir.resolve("var")), "files of the data directory still open");
        }
    }

    private static HttpRequest post(TestServer server, String method, String body) {
        return HttpRequest.newBuilder(server.https("/api/v1/services/" + method))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static List<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> OURS.stream().anyMatch(n::startsWith)).sorted().toList();
    }

    /** What this process's descriptors point at below {@code root}. */
    private static List<String> openFilesUnder(Path root) throws IOException {
        Path real = root.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "";
                }
            }).filter(target -> target.startsWith(real.toString())).sorted().toList();
        }
    }
}
