package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** With {@code sandbox.public: false} only the owner's certificate reads a sandbox; everyone else gets 404. */
class PrivateSandboxIT {
    @TempDir
    Path dir;

    @Test
    void onlyTheOwnerReadsAPrivateSandbox() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Credential alice = pki.strongUser("Alice");
        TestPki.Credential dave = pki.strongUser("Dave");
        pki.map(alice.dn(), "alice");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig() + "sandbox:\n  public: false\n");
        try (TestServer server = TestServer.start(pki.conf)) {
            Https owner = new Https(alice, pki.strong.certificate());
            String id = owner.send(HttpRequest.newBuilder(server.https("/api/v1/services/sleepy/add"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")).build()).json().get("session").asText();
            Await.value(Duration.ofSeconds(20), () -> owner.get(server.https("/api/v1/sessions/" + id)).json().path("state")
                    .asText(), "DONE"::equals);
            String path = "/sandbox/" + id + "/stdout";
            assertEquals(200, owner.get(server.https(path)).status());
            assertEquals(404, new Https(dave, pki.strong.certificate()).get(server.https(path)).status());
            assertEquals(404, new Https(null, pki.strong.certificate()).get(server.https(path)).status());
            assertEquals(404, new Https(null, pki.strong.certificate()).get(server.http(path)).status(),
                    "the plain port cannot tell who asks, so it serves no private sandbox");
        }
    }
}
