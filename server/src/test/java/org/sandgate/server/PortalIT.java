package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * The web portal over real TLS: the start page and who-am-I for each kind of caller, the headers
 * that keep pages inert and private, and the assets served from the server itself.
 */
class PortalIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice Portal").weakUser("Bob Portal").deploy(TestPki.SLEEPY_JAR)
            .before(s -> Files.writeString(s.pki().conf.resolve("services").resolve("hostile.yaml"), """
                    service: hostile
                    description: "<script>alert('service')</script> & friends"
                    methods:
                      say:
                        kind: immediate
                        description: "<img src=x onerror=alert(1)>"
                        arguments:
                          text: {type: string, description: "\\"><script>alert(2)</script>", max_length: 50}
                        cost: 0
                        command: [/bin/echo, "{text}"]
                      count:
                        kind: immediate
                        arguments:
                          data: {type: file, filename: data.txt, max_bytes: 1000}
                        cost: 0
                        command: [/bin/cat, "{data}"]
                    """)).build();
    static final TestPki.Credential alice = site.user("Alice Portal");
    static final TestPki.Credential bob = site.user("Bob Portal");

    static Https.Reply page(TestPki.Credential who, String path) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path)).header("Accept", "text/html").GET());
    }

    static void assertPortalHeaders(Https.Reply r) {
        var h = r.raw().headers();
        assertEquals("text/html; charset=utf-8", h.firstValue("Content-Type").orElse(""), r.body());
        String csp = h.firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'")
                && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
        assertEquals("same-origin", h.firstValue("Referrer-Policy").orElse(""));
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
        TestPki other = TestPki.create(site.dir().resolve("other"));
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

    static String token(String html) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
        assertTrue(m.find(), "no anti-forgery token in " + html);
        return m.group(1);
    }

    static Https.Reply post(TestPki.Credential who, String path, String form) throws Exception {
        return site.send(who, HttpRequest.newBuilder(site.https(path))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    static int sessions(TestPki.Credential who) throws Exception {
        return site.get(who, "/api/v1/sessions").json().path("sessions").size();
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void theServicesPageListsEveryMethodWithItsForm() throws Exception {
        Https.Reply r = page(alice, "/portal/services");
        assertEquals(200, r.status(), r.body());
        assertSelfContained(r.body());
        assertTrue(r.body().contains("href=\"/portal/services/sleepy/add\""), r.body());
        assertTrue(r.body().contains("weak 3600 CPU-seconds"), r.body());
    }

    @Test
    void aMethodsFormIsGeneratedFromItsSchema() throws Exception {
        Https.Reply r = page(alice, "/portal/services/sleepy/add");
        assertEquals(200, r.status(), r.body());
        assertPortalHeaders(r);
        assertSelfContained(r.body());
        String body = r.body();
        assertTrue(body.contains("<label for=\"arg-seconds\">seconds</label>"), body);
        assertTrue(body.matches("(?s).*<input type=\"number\" id=\"arg-seconds\" name=\"seconds\"[^>]* required"
                + " min=\"0\" max=\"86400\" step=\"1\"[^>]* aria-describedby=\"arg-seconds-help\">.*"), body);
        assertTrue(body.matches("(?s).*id=\"arg-a\" name=\"a\"[^>]* step=\"any\".*"), body);
        assertTrue(body.contains("id=\"arg-seconds-help\""), body);
        token(body);
    }

    @Test
    void theCostPreviewSaysWhichCredentialIsNeeded() throws Exception {
        String weakOnly = page(null, "/portal/cost/sleepy/add?seconds=100&a=1&b=2").body();
        assertTrue(weakOnly.contains("This call costs 101 CPU-seconds; anonymous calls may cost at most 60."), weakOnly);
        assertTrue(weakOnly.contains("A weak credential is needed for it."), weakOnly);
        String fine = page(bob, "/portal/cost/sleepy/add?seconds=100&a=1&b=2").body();
        assertTrue(fine.contains("Your credential is strong enough for it."), fine);
        String strongNeeded = page(bob, "/portal/cost/sleepy/add?seconds=5000&a=1&b=2").body();
        assertTrue(strongNeeded.contains("A strong credential is needed for it."), strongNeeded);
        String incomplete = page(bob, "/portal/cost/sleepy/add?seconds=5").body();
        assertTrue(incomplete.contains("still to fix: a, b"), incomplete);
        String withoutScript = page(null, "/portal/services/sleepy/add?seconds=100&a=1&b=2&preview=1").body();
        assertTrue(withoutScript.contains("A weak credential is needed for it."), withoutScript);
        assertTrue(withoutScript.contains("value=\"100\""), withoutScript);
    }

    @Test
    void aFormPostWithItsTokenStartsTheJobAndGoesToItsSession() throws Exception {
        String token = token(page(alice, "/portal/services/sleepy/add").body());
        int before = sessions(alice);
        Https.Reply r = post(alice, "/portal/services/sleepy/add", "csrf=" + enc(token) + "&seconds=0&a=1&b=2");
        assertEquals(303, r.status(), r.body());
        String location = r.raw().headers().firstValue("Location").orElse("");
        assertTrue(location.matches("/portal/sessions/[0-9a-f]{32}"), location);
        assertEquals(before + 1, sessions(alice));
    }

    @Test
    void aFormPostWithoutItsTokenIsRefusedAndDoesNothing() throws Exception {
        int before = sessions(alice);
        Https.Reply none = post(alice, "/portal/services/sleepy/add", "seconds=0&a=1&b=2");
        assertEquals(403, none.status(), none.body());
        assertTrue(none.body().contains("nothing was done"), none.body());
        String bobsToken = token(page(bob, "/portal/services/sleepy/add").body());
        Https.Reply someoneElses = post(alice, "/portal/services/sleepy/add", "csrf=" + enc(bobsToken)
                + "&seconds=0&a=1&b=2");
        assertEquals(403, someoneElses.status(), someoneElses.body());
        String otherForm = token(page(alice, "/portal/services/hostile/say").body());
        assertEquals(403, post(alice, "/portal/services/sleepy/add", "csrf=" + enc(otherForm)
                + "&seconds=0&a=1&b=2").status());
        Https.Reply forged = post(alice, "/portal/services/sleepy/add", "csrf=AAAA&seconds=0&a=1&b=2");
        assertEquals(403, forged.status());
        assertEquals(before, sessions(alice));
    }

    @Test
    void aCrossSiteFormPostIsRefusedBeforeThePortal() throws Exception {
        String token = token(page(alice, "/portal/services/sleepy/add").body());
        int before = sessions(alice);
        Https.Reply r = site.send(alice, HttpRequest.newBuilder(site.https("/portal/services/sleepy/add"))
                .header("Origin", "https://evil.example").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + enc(token) + "&seconds=0&a=1&b=2")));
        assertEquals(403, r.status(), r.body());
        assertEquals("cross_site_request", r.error(), r.body());
        assertEquals(before, sessions(alice));
    }

    @Test
    void theServersFieldErrorsAreShownNextToTheirFields() throws Exception {
        String token = token(page(alice, "/portal/services/sleepy/add").body());
        int before = sessions(alice);
        Https.Reply r = post(alice, "/portal/services/sleepy/add", "csrf=" + enc(token) + "&seconds=-5&a=x&b=2");
        assertEquals(400, r.status(), r.body());
        String body = r.body();
        assertTrue(body.contains("id=\"arg-seconds-error\""), body);
        assertTrue(body.contains("aria-describedby=\"arg-seconds-help arg-seconds-error\" aria-invalid=\"true\""), body);
        assertTrue(body.contains("id=\"arg-a-error\""), body);
        assertFalse(body.contains("id=\"arg-b-error\""), body);
        assertTrue(body.contains("href=\"#arg-seconds\""), body);
        assertTrue(body.contains("value=\"-5\""), body);
        assertEquals(before, sessions(alice));
    }

    @Test
    void aCallOverTheCeilingIsRefusedOnTheForm() throws Exception {
        String token = token(page(bob, "/portal/services/sleepy/add").body());
        Https.Reply r = post(bob, "/portal/services/sleepy/add", "csrf=" + enc(token) + "&seconds=5000&a=1&b=2");
        assertEquals(403, r.status(), r.body());
        assertTrue(r.body().contains("a strong credential is needed"), r.body());
    }

    @Test
    void anImmediateMethodsResultIsShownOnItsPage() throws Exception {
        String token = token(page(alice, "/portal/services/hostile/say").body());
        Https.Reply r = post(alice, "/portal/services/hostile/say", "csrf=" + enc(token) + "&text="
                + enc("<b>bold</b>"));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("&lt;b&gt;bold&lt;/b&gt;"), r.body());
        assertFalse(r.body().contains("<b>bold"), r.body());
    }

    @Test
    void hostileServiceDescriptionsRenderInert() throws Exception {
        for (String path : new String[] {"/portal/services", "/portal/services/hostile/say"}) {
            String body = page(alice, path).body();
            assertTrue(body.contains("hostile"), body);
            assertFalse(body.contains("<script>alert") || body.contains("<img src=x"), body);
            assertSelfContained(body);
        }
        String form = page(alice, "/portal/services/hostile/say").body();
        assertTrue(form.contains("&lt;img src=x onerror=alert(1)&gt;"), form);
        assertTrue(form.contains("\"&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), form);
    }

    @Test
    void aFileArgumentIsAFileToChooseAndItsTextIsSent() throws Exception {
        String services = site.get(alice, "/api/v1/services").body();
        assertTrue(services.contains("\"file\":\"data.txt\""), "the API names a file argument's file: " + services);
        String form = page(alice, "/portal/services/hostile/count").body();
        assertTrue(form.contains("enctype=\"multipart/form-data\""), form);
        assertTrue(form.contains("<input type=\"file\" id=\"arg-data\" name=\"data\" required"), form);
        assertTrue(form.contains("which the service reads as data.txt"), form);
        String preview = page(alice, "/portal/cost/hostile/count").body();
        assertTrue(preview.contains("This call costs 0 CPU-seconds"), "the preview needs no file: " + preview);
        String boundary = "----portal-file-test";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token(form) + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"mine.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline one <i>\r\nline two\r\n--" + boundary + "--\r\n";
        Https.Reply r = site.send(alice, HttpRequest.newBuilder(site.https("/portal/services/hostile/count"))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("line one &lt;i&gt;"), r.body());
    }

    @Test
    void aMalformedFormIsTheClientsFaultNotAServerError() throws Exception {
        String token = token(page(alice, "/portal/services/sleepy/add").body());
        for (String[] bad : new String[][] {
                {"application/x-www-form-urlencoded", "csrf=" + enc(token) + "&seconds=%zz&a=1&b=2"},
                {"multipart/form-data", "csrf=x"},
                {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"}}) {
            int before = sessions(alice);
            // each on a connection of its own: after a truncated multipart body the server does not
            // finish its answer's connection (a known defect), which would stall the kept-alive client
            Https.Reply r = new Https(alice, site.pki().strong.certificate()).send(
                    HttpRequest.newBuilder(site.https("/portal/services/sleepy/add"))
                    .header("Origin", "https://localhost:" + site.server().server.httpsPort()).header("Content-Type", bad[0])
                    .POST(HttpRequest.BodyPublishers.ofString(bad[1])).build());
            assertTrue(r.status() >= 400 && r.status() < 500, bad[0] + " " + bad[1] + ": " + r.status() + " " + r.body());
            assertEquals(before, sessions(alice));
        }
        // the JDK's client refuses to send such a query; curl sends it as written
        org.sandgate.server.testkit.Tools.require("curl");
        for (String query : new String[] {"/portal/cost/sleepy/add?seconds=%zz", "/portal/services/sleepy/add?a=%zz&preview=1"}) {
            org.sandgate.server.testkit.Tools.Result r = org.sandgate.server.testkit.Tools.run(site.dir(), null, "curl", "-sS",
                    "-o", "/dev/null", "-w", "%{http_code}", "--cacert", site.dir().resolve("ca-strong/ca.pem").toString(),
                    "https://localhost:" + site.server().server.httpsPort() + query);
            assertEquals("400", r.out().strip(), query + ": " + r);
        }
    }
}
