package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * With {@code anonymous: false} a browser without a certificate gets the start page with the reason
 * and what to do, every other page is the same refusal as the API's ({@code 401}), and the portal
 * never acts for it.
 */
class PortalWithoutAnonymousIT {
    @RegisterExtension
    static final Site site = Site.with().deploy(TestPki.SLEEPY_JAR).config("anonymous: false\n").build();

    static Https.Reply page(String path) throws Exception {
        return site.send(null, HttpRequest.newBuilder(site.https(path)).GET());
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
        Https.Reply r = site.send(null, HttpRequest.newBuilder(site.https("/portal/services/sleepy/add"))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("seconds=0&a=1&b=2")));
        assertEquals(401, r.status(), r.body());
    }
}
