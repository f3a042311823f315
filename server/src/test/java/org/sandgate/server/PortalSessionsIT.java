package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * The portal's sessions pages over real TLS: the list, a session's page with its output, files and
 * live state, cancel/remove behind a confirmation and a token, another owner's session as the same
 * 404 page as an unknown one, and hostile file names and output rendered inert.
 */
class PortalSessionsIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice Sessions").user("Bob Sessions").deploy(TestPki.SLEEPY_JAR)
            .before(s -> Files.writeString(s.pki().conf.resolve("services").resolve("files.yaml"), """
                    service: files
                    methods:
                      hostile:
                        description: "a file with a hostile name and output that looks like markup"
                        arguments:
                          name: {type: string, max_length: 200}
                        cost: 1
                        command: [/bin/sh, -c, 'printf x > "$1"; echo "<script>alert(3)</script>"; echo "<b>err</b>" >&2', x, "{name}"]
                      big:
                        cost: 1
                        command: [/bin/sh, -c, 'head -c 200000 /dev/zero | tr "\\\\000" y; echo; echo THE-END']
                    """)).build();
    static final TestPki.Credential alice = site.user("Alice Sessions");
    static final TestPki.Credential bob = site.user("Bob Sessions");

    static Https.Reply page(TestPki.Credential who, String path) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path)).header("Accept", "text/html").GET());
    }

    static Https.Reply post(TestPki.Credential who, String path, String form) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    static String launch(TestPki.Credential who, String path, String args) throws Exception {
        Https.Reply r = site.post(who, path, "{\"args\": " + args + "}");
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    static JsonNode awaitFinal(TestPki.Credential who, String id) throws Exception {
        JsonNode s = Await.value(Duration.ofSeconds(60), () -> site.get(who, "/api/v1/sessions/" + id).json(),
                j -> j.path("state").asText().matches("DONE|FAILED|CANCELLED"));
        assertTrue(s.path("state").asText().matches("DONE|FAILED|CANCELLED"),
                "session " + id + " did not end within 60 s: " + s);
        return s;
    }

    static String token(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no anti-forgery token in " + html);
        return m.group(1);
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void myFinishedSessionShowsItsStateOutputFilesAndArchives() throws Exception {
        String id = launch(alice, "/api/v1/services/sleepy/add", "[0, 1, 2]");
        awaitFinal(alice, id);
        Https.Reply list = page(alice, "/portal/sessions");
        assertEquals(200, list.status(), list.body());
        assertTrue(list.body().contains("href=\"/portal/sessions/" + id + "\""), list.body());
        assertTrue(list.body().contains("<td class=\"state\">DONE</td>"), list.body());
        Https.Reply r = page(alice, "/portal/sessions/" + id);
        assertEquals(200, r.status(), r.body());
        PortalIT.assertPortalHeaders(r);
        PortalIT.assertSelfContained(r.body());
        String body = r.body();
        assertTrue(body.contains("<h1>Session of sleepy.add</h1>"), body);
        assertTrue(body.contains("role=\"status\">DONE</span></dd>"), body);
        assertTrue(body.contains("<dt>Exit code</dt><dd>0</dd>"), body);
        assertTrue(body.contains("sleepyadd 1 + 2 = 3"), body);
        assertTrue(body.matches("(?s).*<a href=\"/sandbox/" + id + "/stdout\" download>stdout</a></td><td class=\"number\">\\d+ B</td>.*"), body);
        assertTrue(body.contains("href=\"/sandbox/" + id + "/?archive=zip\""), body);
        assertTrue(body.contains("href=\"/sandbox/" + id + "/?archive=tar.gz\""), body);
        assertFalse(body.contains("sse-connect"), "a finished session needs no event stream: " + body);
        assertFalse(body.contains("keep this page's address"), body);
    }

    @Test
    void anAnonymousSessionsPageSaysItsAddressIsItsKey() throws Exception {
        String id = launch(null, "/api/v1/services/sleepy/add", "[0, 1, 2]");
        Https.Reply r = page(null, "/portal/sessions/" + id);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("keep this page's address"), r.body());
    }

    @Test
    void newestSessionsComeFirst() throws Exception {
        String first = launch(bob, "/api/v1/services/sleepy/add", "[0, 1, 1]");
        String second = launch(bob, "/api/v1/services/sleepy/add", "[0, 2, 2]");
        String list = page(bob, "/portal/sessions").body();
        assertTrue(list.indexOf(second) >= 0 && list.indexOf(second) < list.indexOf(first), list);
    }

    @Test
    void aRunningSessionIsFollowedOverTheEventStream() throws Exception {
        String id = launch(alice, "/api/v1/services/sleepy/add", "[30, 1, 2]");
        String body = page(alice, "/portal/sessions/" + id).body();
        assertTrue(body.contains("sse-connect=\"/api/v1/sessions/" + id + "/events\""), body);
        assertTrue(body.contains("hx-get=\"/portal/sessions/" + id + "/live\" hx-trigger=\"sse:state\""), body);
        String live = page(alice, "/portal/sessions/" + id + "/live").body();
        assertTrue(live.strip().startsWith("<div id=\"live\">"), live);
        assertFalse(live.contains("<html"), live);
        String list = page(alice, "/portal/sessions").body();
        assertTrue(list.contains("hx-trigger=\"every 3s\""), "the list refreshes while a job is active: " + list);
        String token = token(page(alice, "/portal/sessions/" + id + "/remove").body());
        assertEquals(303, post(alice, "/portal/sessions/" + id + "/remove", "csrf=" + enc(token)).status());
    }

    @Test
    void anotherOwnersSessionIsTheSamePageAsAnUnknownOne() throws Exception {
        String id = launch(alice, "/api/v1/services/sleepy/add", "[0, 1, 2]");
        String unknown = "0123456789abcdef0123456789abcdef";
        for (String suffix : new String[] {"", "/live", "/remove"}) {
            Https.Reply foreign = page(bob, "/portal/sessions/" + id + suffix);
            Https.Reply none = page(bob, "/portal/sessions/" + unknown + suffix);
            assertEquals(404, foreign.status(), foreign.body());
            assertEquals(none.status(), foreign.status());
            assertEquals(none.body(), foreign.body());
        }
        String bobsToken = token(page(bob, "/portal/services/sleepy/add").body());
        assertEquals(403, post(bob, "/portal/sessions/" + id + "/remove", "csrf=" + enc(bobsToken)).status());
        assertEquals(200, site.get(alice, "/api/v1/sessions/" + id).status());
    }

    @Test
    void removingASessionAsksFirstAndNeedsTheFormsToken() throws Exception {
        String id = launch(alice, "/api/v1/services/sleepy/add", "[60, 1, 2]");
        Https.Reply confirm = page(alice, "/portal/sessions/" + id + "/remove");
        assertEquals(200, confirm.status(), confirm.body());
        assertTrue(confirm.body().contains("<h1>Cancel the job?</h1>"), confirm.body());
        assertTrue(confirm.body().contains(">Cancel the job and remove the session</button>"), confirm.body());
        assertEquals(403, post(alice, "/portal/sessions/" + id + "/remove", "").status());
        assertEquals(200, site.get(alice, "/api/v1/sessions/" + id).status());
        Https.Reply removed = post(alice, "/portal/sessions/" + id + "/remove", "csrf=" + enc(token(confirm.body())));
        assertEquals(303, removed.status(), removed.body());
        assertEquals("/portal/sessions?removed=1", removed.raw().headers().firstValue("Location").orElse(""));
        assertEquals(404, site.get(alice, "/api/v1/sessions/" + id).status());
        assertTrue(page(alice, "/portal/sessions?removed=1").body().contains("The session was removed."));
    }

    @Test
    void hostileFileNamesAndOutputRenderInert() throws Exception {
        String name = "<img src=x onerror=alert(1)> \"q\" & 'a'.txt";
        String id = launch(alice, "/api/v1/services/files/hostile", "[" + new com.fasterxml.jackson.databind
                .ObjectMapper().writeValueAsString(name) + "]");
        awaitFinal(alice, id);
        String body = page(alice, "/portal/sessions/" + id).body();
        assertFalse(body.contains("<img") || body.contains("<script>alert") || body.contains("<b>err"), body);
        assertTrue(body.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), body);
        assertTrue(body.contains("&lt;b&gt;err&lt;/b&gt;"), body);
        assertTrue(body.contains("&lt;img src=x onerror=alert(1)&gt; \"q\" &amp; 'a'.txt</a>"), body);
        assertTrue(body.contains("href=\"/sandbox/" + id + "/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%22q%22"
                + "%20%26%20%27a%27.txt\""), body);
        PortalIT.assertSelfContained(body);
    }

    @Test
    void aBigOutputShowsItsEndAndLinksTheWholeFile() throws Exception {
        String id = launch(alice, "/api/v1/services/files/big", "[]");
        awaitFinal(alice, id);
        String body = page(alice, "/portal/sessions/" + id).body();
        assertTrue(body.contains("THE-END"), body.length() + " characters");
        assertTrue(body.contains("The end of 195 KiB: <a href=\"/sandbox/" + id + "/stdout\">the whole file</a>."),
                body.substring(0, Math.min(body.length(), 3000)));
        assertTrue(body.length() < 100_000, "the page holds the tail, not the file: " + body.length());
    }
}
