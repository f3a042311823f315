package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * The developers' and administrators' pages over real TLS: each action is a token-carrying form
 * over the administration API, refused without its token, and refused to everyone the API refuses.
 */
class PortalAdminIT {
    private static final String YAML = """
            service: greeter
            description: "uploaded from the portal"
            methods:
              hello:
                kind: immediate
                cost: 0
                command: [/bin/echo, hello]
            """;

    @RegisterExtension
    static final Site site = Site.with().user("Ada Admin").user("Bob Plain").deploy(TestPki.SLEEPY_JAR)
            .config(s -> "admins:\n  - \"" + s.dn("Ada Admin") + "\"\n").build();
    static final TestPki.Credential ada = site.user("Ada Admin");
    static final TestPki.Credential bob = site.user("Bob Plain");

    static Https.Reply page(TestPki.Credential who, String path) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path)).GET());
    }

    static Https.Reply post(TestPki.Credential who, String path, String form) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    static Https.Reply upload(TestPki.Credential who, String token, String name, String content) throws Exception {
        String boundary = "----sandgate-test-boundary";
        StringBuilder body = new StringBuilder();
        if (token != null) {
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n")
                    .append(token).append("\r\n");
        }
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n")
                .append(name).append("\r\n");
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"greeter.yaml\"\r\nContent-Type: application/octet-stream\r\n\r\n").append(content)
                .append("\r\n--").append(boundary).append("--\r\n");
        return site.send(who, HttpRequest.newBuilder(site.https("/portal/developer/upload"))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)));
    }

    /** The token of the form that posts to {@code action}. */
    static String token(String html, String action) {
        Matcher m = Pattern.compile("action=\"" + Pattern.quote(action) + "\"[^>]*>\\s*<input type=\"hidden\" "
                + "name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no form posting to " + action + " in " + html);
        return m.group(1);
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static boolean deployed(String service) throws Exception {
        return site.get(ada, "/api/v1/services").body().contains("\"name\":\"" + service + "\"");
    }

    @Test
    void onlyDevelopersAndAdminsGetTheirPagesAndLinks() throws Exception {
        assertTrue(page(ada, "/").body().contains("href=\"/portal/admin\""));
        assertFalse(page(bob, "/").body().contains("href=\"/portal/admin\""));
        assertFalse(page(bob, "/").body().contains("href=\"/portal/developer\""));
        assertEquals(403, page(bob, "/portal/developer").status());
        assertEquals(403, page(bob, "/portal/admin").status());
        assertEquals(403, page(null, "/portal/admin").status());
        assertEquals(405, page(ada, "/portal/admin/drain").status(), "an action is only ever posted");
        assertEquals(404, page(ada, "/portal/admin/nothing").status());
    }

    @Test
    void theDeveloperPageListsTheDeployDirectory() throws Exception {
        Https.Reply r = page(ada, "/portal/developer");
        assertEquals(200, r.status(), r.body());
        PortalIT.assertPortalHeaders(r);
        assertTrue(r.body().contains("<code>sandgate-example-sleepy.jar</code>"), r.body());
        assertTrue(r.body().contains(">Remove sleepy</button>"), r.body());
    }

    @Test
    void aServiceIsUploadedAndRemovedThroughThePage() throws Exception {
        String page = page(ada, "/portal/developer").body();
        assertEquals(403, upload(ada, null, "greeter", YAML).status());
        assertEquals(403, upload(ada, "forged", "greeter", YAML).status());
        assertFalse(deployed("greeter"));
        Https.Reply r = upload(ada, token(page, "/portal/developer/upload"), "greeter", YAML);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("Deployed greeter.yaml: greeter."), r.body());
        assertTrue(deployed("greeter"));
        Https.Reply broken = upload(ada, token(page, "/portal/developer/upload"), "greeter", "service: [");
        assertEquals(422, broken.status(), broken.body());
        assertTrue(broken.body().contains("role=\"alert\""), broken.body());
        String removeToken = token(page(ada, "/portal/developer").body(), "/portal/developer/remove");
        assertEquals(403, post(ada, "/portal/developer/remove", "name=greeter").status());
        assertTrue(deployed("greeter"));
        Https.Reply removed = post(ada, "/portal/developer/remove", "csrf=" + enc(removeToken) + "&name=greeter");
        assertEquals(303, removed.status(), removed.body());
        assertFalse(deployed("greeter"));
    }

    @Test
    void drainBansReloadAndEverySessionFromTheAdminPage() throws Exception {
        Https.Reply launched = site.post(bob, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}");
        String id = launched.json().path("session").asText();
        String admin = page(ada, "/portal/admin").body();
        assertTrue(admin.contains("href=\"/portal/sessions/" + id + "\""), admin);
        assertTrue(admin.contains(bob.dn()), admin);
        assertEquals(200, page(ada, "/portal/sessions/" + id).status(), "admins may open any session");

        assertEquals(403, post(ada, "/portal/admin/drain", "draining=true").status());
        assertEquals(303, post(ada, "/portal/admin/drain", "csrf=" + enc(token(admin, "/portal/admin/drain"))
                + "&draining=true").status());
        assertTrue(page(ada, "/portal/admin?done=drain-on").body().contains("Drain mode is <strong>on</strong>"));
        assertEquals(303, post(ada, "/portal/admin/drain", "csrf=" + enc(token(admin, "/portal/admin/drain"))
                + "&draining=false").status());

        String dn = "/O=Elsewhere/CN=Mallory <b>";
        assertEquals(303, post(ada, "/portal/admin/ban", "csrf=" + enc(token(admin, "/portal/admin/ban"))
                + "&dn=" + enc(dn) + "&reason=" + enc("tests")).status());
        String banned = page(ada, "/portal/admin").body();
        assertTrue(banned.contains("<code>/O=Elsewhere/CN=Mallory &lt;b&gt;</code>"), banned);
        assertEquals(303, post(ada, "/portal/admin/unban", "csrf=" + enc(token(banned, "/portal/admin/unban"))
                + "&dn=" + enc(dn)).status());
        assertFalse(page(ada, "/portal/admin").body().contains("Mallory"));

        Https.Reply reloaded = post(ada, "/portal/admin/reload", "csrf=" + enc(token(admin, "/portal/admin/reload")));
        assertEquals(200, reloaded.status(), reloaded.body());
        assertTrue(reloaded.body().contains("were read again"), reloaded.body());

        String bobsToken = token(page(bob, "/portal/services/sleepy/add").body(), "/portal/services/sleepy/add");
        assertEquals(403, post(bob, "/portal/admin/drain", "csrf=" + enc(bobsToken) + "&draining=true").status());
    }
}
