package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.ca.IssuedCredential;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Requests shaped as a web page of another site makes a browser send them, with the user's client
 * certificate attached, are refused before they reach a service; curl and scripts (no Origin) and the
 * server's own origin keep working.
 */
class CrossSiteRequestIT {
    @RegisterExtension
    static final Site site = Site.with().user("Ada Admin").deploy(TestPki.SLEEPY_JAR)
            .config(s -> "admins:\n  - \"" + s.dn("Ada Admin") + "\"\n")
            .before(s -> s.user("Ada Admin").write(s.dir().resolve("ada"))).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential ada = site.user("Ada Admin");
    static final Path adaCert = dir.resolve("ada/usercert.pem");
    static final Path adaKey = dir.resolve("ada/userkey.pem");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAUNCH = "/api/v1/services/sleepy/add";


    private static Https.Reply send(HttpRequest.Builder request) throws Exception {
        return site.as(ada).send(request.build());
    }

    private static int sessions() throws Exception {
        return site.as(ada).get(site.server().https("/api/v1/sessions")).json()
                .path("sessions").size();
    }

    /** curl with Ada's certificate; the last line of the output is the status. */
    private static Tools.Result curl(String... args) throws Exception {
        Tools.require("curl");
        List<String> argv = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}", "--cacert",
                dir.resolve("ca-strong/ca.pem").toString(), "--cert", adaCert.toString(), "--key", adaKey.toString()));
        argv.addAll(List.of(args));
        Tools.Result r = Tools.run(dir, null, argv.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private static int status(Tools.Result r) {
        return Integer.parseInt(r.out().substring(r.out().lastIndexOf('\n') + 1).strip());
    }

    private static JsonNode body(Tools.Result r) throws Exception {
        return JSON.readTree(r.out().substring(0, r.out().lastIndexOf('\n')));
    }

    private static void assertRefusedCrossSite(Https.Reply r) {
        assertEquals(403, r.status(), r.body());
        assertEquals("cross_site_request", r.error(), r.body());
    }

    @Test
    void aTextPlainPostFromAnotherSiteLaunchesNothing() throws Exception {
        int before = sessions();
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https(LAUNCH))
                .header("Origin", "https://evil.example").header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void anHtmlFormPostFromAnotherSiteLaunchesNothing() throws Exception {
        int before = sessions();
        Tools.Result r = curl("-H", "Origin: https://evil.example", "--data", "{\"args\": [0, 1, 2]}=",
                site.server().https(LAUNCH).toString());
        assertEquals(403, status(r), r.toString());
        assertEquals("cross_site_request", body(r).path("error").asText(), r.toString());
        assertEquals(before, sessions());
    }

    @Test
    void evenAJsonPostFromAnotherSiteIsRefused() throws Exception {
        int before = sessions();
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https(LAUNCH))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void aPostWithoutAContentTypeMarkedCrossSiteIsRefused() throws Exception {
        int before = sessions();
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https(LAUNCH))
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void anOpaqueOriginIsAnotherSite() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .header("Origin", "null").POST(HttpRequest.BodyPublishers.noBody())));
    }

    @Test
    void aBodilessPostOrDeleteFromAnotherSiteIsRefused() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/admin/reload"))
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.noBody())));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/admin/bans?dn=/CN=x"))
                .header("Origin", "https://evil.example").DELETE()));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/admin/services/x.y"))
                .header("Origin", "https://localhost.evil.example:" + site.server().server.httpsPort())
                .PUT(HttpRequest.BodyPublishers.ofString("x"))));
    }

    @Test
    void aPostOfTheSameOriginWorks() throws Exception {
        int before = sessions();
        Https.Reply r = send(HttpRequest.newBuilder(site.server().https(LAUNCH))
                .header("Origin", "https://localhost:" + site.server().server.httpsPort())
                .header("Sec-Fetch-Site", "same-origin").header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")));
        assertEquals(201, r.status(), r.body());
        assertEquals(before + 1, sessions());
    }

    @Test
    void anotherPortOrSchemeOfTheSameHostIsAnotherOrigin() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .header("Origin", "http://localhost:" + site.server().server.httpsPort())
                .POST(HttpRequest.BodyPublishers.noBody())));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .header("Origin", "https://localhost:" + site.server().server.httpPort())
                .POST(HttpRequest.BodyPublishers.noBody())));
    }

    @Test
    void aPostBodyThatIsNotDeclaredJsonIsRefusedEvenWithoutOrigin() throws Exception {
        int before = sessions();
        Tools.Result r = curl("--data", "{\"args\": [0, 1, 2]}", site.server().https(LAUNCH).toString());
        assertEquals(415, status(r), r.toString());
        assertEquals("unsupported_media_type", body(r).path("error").asText());
        Https.Reply none = send(HttpRequest.newBuilder(site.server().https(LAUNCH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")));
        assertEquals(415, none.status(), none.body());
        assertEquals(before, sessions());
    }

    @Test
    void curlWithoutOriginKeepsWorking() throws Exception {
        Tools.Result launched = curl("-H", "Content-Type: application/json", "--data", "{\"args\": [0, 1, 2]}",
                site.server().https(LAUNCH).toString());
        assertEquals(201, status(launched), launched.toString());
        String id = body(launched).path("session").asText();

        Tools.Result reload = curl("-X", "POST", site.server().https("/api/v1/admin/reload").toString());
        assertEquals(200, status(reload), reload.toString());
        Tools.Result removed = curl("-X", "DELETE", site.server().https("/api/v1/sessions/" + id).toString());
        assertEquals(204, status(removed), removed.toString());
        Tools.Result read = curl("-H", "Origin: https://evil.example", site.server().https("/api/v1/whoami").toString());
        assertEquals(200, status(read), read.toString());
    }
}
