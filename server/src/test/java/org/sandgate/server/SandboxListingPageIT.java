package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * The HTML sandbox listing, on both ports: the session's call, state and exit code for viewers who
 * may see its status (not for holders of a public sandbox URL only), sizes for people, no size for
 * directories, readable times, archive links, and still no script and nothing active.
 */
class SandboxListingPageIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice Listing")
            .before(s -> Files.writeString(s.pki().conf.resolve("services").resolve("files.yaml"), """
                    service: files
                    methods:
                      make:
                        cost: 1
                        command: [/bin/sh, -c, 'mkdir sub && head -c 3000 /dev/zero > sub/three-k && echo made; exit 3']
                    """)).build();
    static final TestPki.Credential alice = site.user("Alice Listing");
    static String owned;
    static String anonymous;

    @BeforeAll
    static void start() throws Exception {
        owned = launch(alice);
        anonymous = launch(null);
    }

    static String launch(TestPki.Credential who) throws Exception {
        Https.Reply r = site.post(who, "/api/v1/services/files/make", "{}");
        assertEquals(201, r.status(), r.body());
        String id = r.json().path("session").asText();
        Await.until("the job ends", Duration.ofSeconds(60),
                () -> site.get(who, "/api/v1/sessions/" + id).json().path("state").asText().matches("DONE|FAILED"));
        return id;
    }

    static HttpResponse<String> plain(String path) throws Exception {
        return site.as(null).send(HttpRequest.newBuilder(site.server().http(path)).header("Accept", "text/html")
                .build()).raw();
    }

    static Https.Reply tls(TestPki.Credential who, String path) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path)).header("Accept", "text/html"));
    }

    static void assertInert(HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.startsWith("default-src 'none'; style-src 'sha256-"), csp);
        assertFalse(csp.contains("unsafe") || csp.contains("script-src"), csp);
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""));
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertFalse(r.body().contains("<script"), r.body());
        assertFalse(r.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), r.body());
    }

    @Test
    void theOwnerSeesTheCallStateAndExitCode() throws Exception {
        Https.Reply r = tls(alice, "/sandbox/" + owned + "/");
        assertEquals(200, r.status(), r.body());
        assertInert(r.raw());
        String body = r.body();
        assertTrue(body.contains("<h1>Sandbox of files.make</h1>"), body);
        assertTrue(body.contains("State: <strong>FAILED</strong>, exit code <strong>3</strong>"), body);
        assertTrue(body.contains("<a href=\"sub/\">sub/</a></td><td class=\"n\"></td>"), "no size for a directory: " + body);
        assertFalse(body.contains("4096"), body);
        assertTrue(body.contains("<a href=\"stdout\">stdout</a></td><td class=\"n\">5 B</td>"), body);
        assertTrue(body.contains("<a href=\"?archive=zip\">zip</a>") && body.contains("<a href=\"?archive=tar.gz\">"),
                body);
        assertTrue(body.matches("(?s).*<time datetime=\"[^\"]+Z\">\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</time>.*"),
                body);
        String sub = tls(alice, "/sandbox/" + owned + "/sub/").body();
        assertTrue(sub.contains("three-k</a></td><td class=\"n\">2.9 KiB</td>"), sub);
        assertTrue(sub.contains("<a href=\"../\">"), sub);
    }

    @Test
    void aPublicSandboxUrlShowsTheFilesButNotTheSessionsStatus() throws Exception {
        HttpResponse<String> r = plain("/sandbox/" + owned + "/");
        assertEquals(200, r.statusCode(), r.body());
        assertInert(r);
        assertTrue(r.body().contains("<h1>Sandbox</h1>"), r.body());
        assertFalse(r.body().contains("files.make") || r.body().contains("FAILED"), r.body());
        assertTrue(r.body().contains("<a href=\"stdout\">stdout</a>"), r.body());
    }

    @Test
    void anAnonymousSessionsListingShowsItsStatusToWhoeverHoldsItsAddress() throws Exception {
        HttpResponse<String> r = plain("/sandbox/" + anonymous + "/");
        assertEquals(200, r.statusCode(), r.body());
        assertInert(r);
        assertTrue(r.body().contains("<h1>Sandbox of files.make</h1>"), r.body());
        assertTrue(r.body().contains("exit code <strong>3</strong>"), r.body());
    }
}
