package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** {@code /api/v1/openapi.json} is served to anyone, also where anonymous callers may do nothing else. */
class OpenApiIT {
    @TempDir
    Path dir;

    @Test
    void theDocumentIsServedWithoutCredentialWhereAnonymousCallsAreRefused() throws Exception {
        TestPki pki = TestPki.create(dir);
        pki.config(pki.baseConfig() + "anonymous: false\n");
        try (TestServer server = TestServer.start(pki.conf)) {
            Https anonymous = new Https(null, pki.strong.certificate());
            assertEquals(401, anonymous.get(server.https("/api/v1/whoami")).status(), "anonymous calls are refused here");
            Https.Reply doc = anonymous.get(server.https("/api/v1/openapi.json"));
            assertEquals(200, doc.status(), doc.body());
            assertEquals("application/json", doc.raw().headers().firstValue("Content-Type").orElse(""));
            assertEquals("3.1.0", doc.json().path("openapi").asText());
            assertEquals(BuildVersion.describe(), doc.json().path("info").path("version").asText());
            assertEquals(true, doc.json().path("paths").has("/api/v1/whoami"));
            Https.Reply post = anonymous.send(HttpRequest.newBuilder(server.https("/api/v1/openapi.json"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(405, post.status(), post.body());
        }
    }
}
