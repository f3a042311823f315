package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * The HTML sandbox listing, on both ports: the session's call, state and exit code for viewers who
 * may see its status (not for holders of a public sandbox URL only), sizes for people, no size for
 * directories, readable times, archive links, and still no script and nothing active.
 */
class SandboxListingPageIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential alice;
    static String owned;
    static String anonymous;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice Listing");
        pki.map(alice.dn(), "alice");
        Files.createDirectories(pki.conf.resolve("services"));
        Files.writeString(pki.conf.resolve("services").resolve("files.yaml"), """
                service: files
                methods:
                  make:
                    cost: 1
                    command: [/bin/sh, -c, 'mkdir sub && head -c 3000 /dev/zero > sub/three-k && echo made; exit 3']
                """);
        pki.config(pki.baseConfig());
        server = TestServer.start(pki.conf);
        owned = launch(alice);
        anonymous = launch(null);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String launch(TestPki.Credential who) throws Exception {
        Https https = new Https(who, pki.strong.certificate());
        Https.Reply r = https.send(HttpRequest.newBuilder(server.https("/api/v1/services/files/make"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(201, r.status(), r.body());
        String id = r.json().path("session").asText();
        long until = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < until) {
            JsonNode s = https.get(server.https("/api/v1/sessions/" + id)).json();
            if (s.path("state").asText().matches("DONE|FAILED")) {
                return id;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job did not end");
    }

    static HttpResponse<String> plain(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http(path)).header("Accept", "text/html")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static Https.Reply tls(TestPki.Credential who, String path) throws Exception {
        return new Https(who, pki.strong.certificate()).send(HttpRequest.newBuilder(server.https(path))
                .header("Accept", "text/html").build());
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
