package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** The scheduled retention sweep removes finished sessions past retention, and leaves running ones. */
class RetentionIT {
    @TempDir
    Path dir;

    @Test
    void finishedSessionsPastRetentionAreRemovedAndRunningOnesStay() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Credential alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig() + "sandbox:\n  retention_days: 0\n  sweep_interval_seconds: 1\n");
        try (TestServer server = TestServer.start(pki.conf)) {
            Https https = new Https(alice, pki.strong.certificate());
            String quick = https.send(HttpRequest.newBuilder(server.https("/api/v1/services/sleepy/add"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 1]}")).build()).json().get("session").asText();
            String slow = https.send(HttpRequest.newBuilder(server.https("/api/v1/services/sleepy/add"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [30, 1, 1]}")).build()).json().get("session").asText();
            Path quickSandbox = SandboxPaths.of(dir.resolve("var"), quick);
            Await.holdsWithin(Duration.ofSeconds(30), () -> https.get(server.https("/api/v1/sessions/" + quick)).status() != 200);
            assertEquals(404, https.get(server.https("/api/v1/sessions/" + quick)).status(), "swept");
            assertFalse(Files.exists(quickSandbox), "its sandbox is gone");
            Https.Reply running = https.get(server.https("/api/v1/sessions/" + slow));
            assertEquals(200, running.status(), running.body());
            assertTrue(Files.isDirectory(SandboxPaths.of(dir.resolve("var"), slow)));
            https.send(HttpRequest.newBuilder(server.https("/api/v1/sessions/" + slow)).DELETE().build());
        }
    }
}
