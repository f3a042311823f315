package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * With {@code anonymous: false} a browser without a certificate gets the start page with the reason
 * and what to do, every other page is the same refusal as the API's ({@code 401}), and the portal
 * never acts for it.
 */
class PortalWithoutAnonymousIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig() + "anonymous: false\n");
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Https.Reply page(String path) throws Exception {
        return new Https(null, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(path)).GET().build());
    }

    @Test
    void theStartPageSaysACertificateIsNeeded() throws Exception {
        Https.Reply r = page("/");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("does not accept anonymous visitors"), r.body());
        assertTrue(r.body().contains("Import your certificate file (.p12)"), r.body());
    }

    @Test
    void everyOtherPageIsRefusedAsTheApiRefuses() throws Exception {
        for (String path : new String[] {"/portal/whoami", "/portal/services", "/portal/services/sleepy/add",
                "/portal/cost/sleepy/add?seconds=1&a=1&b=1", "/portal/sessions", "/portal/admin"}) {
            Https.Reply r = page(path);
            assertEquals(401, r.status(), path + ": " + r.body());
            assertTrue(r.body().contains("does not accept anonymous visitors"), path + ": " + r.body());
        }
        assertEquals(401, page("/api/v1/services").status());
    }

    @Test
    void aFormPostWithoutACertificateDoesNothing() throws Exception {
        Https.Reply r = new Https(null, pki.strong.certificate()).send(HttpRequest.newBuilder(
                        server.https("/portal/services/sleepy/add"))
                .header("Origin", "https://localhost:" + server.server.httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("seconds=0&a=1&b=2")).build());
        assertEquals(401, r.status(), r.body());
    }
}
