package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The web portal over real TLS: the start page and who-am-I for each kind of caller, the headers
 * that keep pages inert and private, and the assets served from the server itself.
 */
class PortalIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential alice;
    static TestPki.Credential bob;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice Portal");
        bob = pki.weakUser("Bob Portal");
        pki.map(alice.dn(), "alice");
        pki.map(bob.dn(), "bob");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig());
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Https.Reply page(TestPki.Credential who, String path) throws Exception {
        return new Https(who, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(path))
                .header("Accept", "text/html").GET().build());
    }

    static void assertPortalHeaders(Https.Reply r) {
        var h = r.raw().headers();
        assertEquals("text/html; charset=utf-8", h.firstValue("Content-Type").orElse(""), r.body());
        String csp = h.firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""));
        assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-store", h.firstValue("Cache-Control").orElse(""));
        assertTrue(h.allValues("Set-Cookie").isEmpty(), "the portal sets no cookie");
    }

    /** No inline script or style, and nothing loaded from anywhere but this server. */
    static void assertSelfContained(String html) {
        assertFalse(html.matches("(?s).*<script(?![^>]*\\ssrc=\"/assets/)[^>]*>.*"), "inline script in " + html);
        assertFalse(html.contains("<style") || html.matches("(?s).*\\sstyle=.*"), "inline style in " + html);
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "an external asset in " + html);
    }

    @Test
    void theStartPageReplacesTheJson404() throws Exception {
        Https.Reply r = page(alice, "/");
        assertEquals(200, r.status(), r.body());
        assertPortalHeaders(r);
        assertSelfContained(r.body());
        assertTrue(r.body().contains("<main"), r.body());
        assertTrue(r.body().contains("href=\"/portal/whoami\""), r.body());
        assertTrue(r.body().contains("href=\"/portal/services\""), r.body());
        assertTrue(r.body().contains(alice.dn()), r.body());
    }

    @Test
    void whoAmIShowsTheCredentialTierAccountsAndCeiling() throws Exception {
        Https.Reply r = page(bob, "/portal/whoami");
        assertEquals(200, r.status(), r.body());
        assertPortalHeaders(r);
        String body = r.body();
        assertTrue(body.contains(bob.dn()), body);
        assertTrue(body.contains("<dt>Tier</dt><dd>weak</dd>"), body);
        assertTrue(body.contains("<dt>Accounts</dt><dd>bob</dd>"), body);
        assertTrue(body.contains("3600 CPU-seconds"), body);
        assertTrue(body.contains("<time datetime=\""), body);
    }

    @Test
    void anAnonymousVisitorIsToldWhyAndWhatToDo() throws Exception {
        Https.Reply r = page(null, "/portal/whoami");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("You are anonymous"), r.body());
        assertTrue(r.body().contains("sent no client certificate"), r.body());
        assertTrue(r.body().contains(".p12"), r.body());
        assertTrue(r.body().contains("60 CPU-seconds"), r.body());
    }

    @Test
    void anUntrustedCertificateIsExplainedInPlainWords() throws Exception {
        TestPki other = TestPki.create(dir.resolve("other"));
        Https.Reply r = page(other.strongUser("Mallory"), "/portal/whoami");
        assertEquals(401, r.status(), r.body());
        assertPortalHeaders(r);
        assertTrue(r.body().contains("Your certificate was not accepted"), r.body());
        assertTrue(r.body().contains("certificate authorities it was given"), r.body());
    }

    @Test
    void theAssetsComeFromTheServer() throws Exception {
        for (String asset : new String[] {"/assets/htmx.min.js", "/assets/sse.js", "/assets/portal.js"}) {
            Https.Reply r = page(null, asset);
            assertEquals(200, r.status(), asset);
            assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"), asset);
        }
        assertEquals(200, page(null, "/assets/portal.css").status());
        assertEquals(404, page(null, "/assets/nothing.js").status());
    }

    @Test
    void anUnknownPortalPageIsAnHtml404AndOtherPathsKeepTheirJson404() throws Exception {
        Https.Reply portal = page(alice, "/portal/nothing-here");
        assertEquals(404, portal.status());
        assertPortalHeaders(portal);
        Https.Reply other = page(alice, "/nothing-here");
        assertEquals(404, other.status());
        assertEquals("not_found", other.error(), other.body());
    }
}
