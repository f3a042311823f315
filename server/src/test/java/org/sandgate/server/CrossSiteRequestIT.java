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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.ca.IssuedCredential;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;
import org.sandgate.server.testkit.Tools;

/**
 * Requests shaped as a web page of another site makes a browser send them, with the user's client
 * certificate attached, are refused before they reach a service; curl and scripts (no Origin) and the
 * server's own origin keep working.
 */
class CrossSiteRequestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAUNCH = "/api/v1/services/sleepy/add";

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential ada;
    static Path adaCert;
    static Path adaKey;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        IssuedCredential issued = pki.strong.issueUser(pki.strong.namespace() + "/OU=People/CN=Ada Admin",
                Duration.ofDays(1));
        ada = TestPki.Credential.of(issued);
        adaCert = dir.resolve("ada/usercert.pem");
        adaKey = dir.resolve("ada/userkey.pem");
        issued.write(adaCert, adaKey);
        Files.setPosixFilePermissions(adaKey, PosixFilePermissions.fromString("r--------"));
        pki.map(ada.dn(), "ada");
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(pki.baseConfig() + "admins:\n  - \"" + ada.dn() + "\"\n");
        server = TestServer.start(pki.conf);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Https.Reply send(HttpRequest.Builder request) throws Exception {
        return new Https(ada, pki.strong.certificate()).send(request.build());
    }

    private static int sessions() throws Exception {
        return new Https(ada, pki.strong.certificate()).get(server.https("/api/v1/sessions")).json()
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
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https(LAUNCH))
                .header("Origin", "https://evil.example").header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void anHtmlFormPostFromAnotherSiteLaunchesNothing() throws Exception {
        int before = sessions();
        Tools.Result r = curl("-H", "Origin: https://evil.example", "--data", "{\"args\": [0, 1, 2]}=",
                server.https(LAUNCH).toString());
        assertEquals(403, status(r), r.toString());
        assertEquals("cross_site_request", body(r).path("error").asText(), r.toString());
        assertEquals(before, sessions());
    }

    @Test
    void evenAJsonPostFromAnotherSiteIsRefused() throws Exception {
        int before = sessions();
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https(LAUNCH))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void aPostWithoutAContentTypeMarkedCrossSiteIsRefused() throws Exception {
        int before = sessions();
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https(LAUNCH))
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}"))));
        assertEquals(before, sessions());
    }

    @Test
    void anOpaqueOriginIsAnotherSite() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/tokens"))
                .header("Origin", "null").POST(HttpRequest.BodyPublishers.noBody())));
    }

    @Test
    void aBodilessPostOrDeleteFromAnotherSiteIsRefused() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/admin/reload"))
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.noBody())));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/admin/bans?dn=/CN=x"))
                .header("Origin", "https://evil.example").DELETE()));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/admin/services/x.y"))
                .header("Origin", "https://localhost.evil.example:" + server.server.httpsPort())
                .PUT(HttpRequest.BodyPublishers.ofString("x"))));
    }

    @Test
    void aPostOfTheSameOriginWorks() throws Exception {
        int before = sessions();
        Https.Reply r = send(HttpRequest.newBuilder(server.https(LAUNCH))
                .header("Origin", "https://localhost:" + server.server.httpsPort())
                .header("Sec-Fetch-Site", "same-origin").header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")));
        assertEquals(201, r.status(), r.body());
        assertEquals(before + 1, sessions());
    }

    @Test
    void anotherPortOrSchemeOfTheSameHostIsAnotherOrigin() throws Exception {
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/tokens"))
                .header("Origin", "http://localhost:" + server.server.httpsPort())
                .POST(HttpRequest.BodyPublishers.noBody())));
        assertRefusedCrossSite(send(HttpRequest.newBuilder(server.https("/api/v1/tokens"))
                .header("Origin", "https://localhost:" + server.server.httpPort())
                .POST(HttpRequest.BodyPublishers.noBody())));
    }

    @Test
    void aPostBodyThatIsNotDeclaredJsonIsRefusedEvenWithoutOrigin() throws Exception {
        int before = sessions();
        Tools.Result r = curl("--data", "{\"args\": [0, 1, 2]}", server.https(LAUNCH).toString());
        assertEquals(415, status(r), r.toString());
        assertEquals("unsupported_media_type", body(r).path("error").asText());
        Https.Reply none = send(HttpRequest.newBuilder(server.https(LAUNCH))
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")));
        assertEquals(415, none.status(), none.body());
        assertEquals(before, sessions());
    }

    @Test
    void curlWithoutOriginKeepsWorking() throws Exception {
        Tools.Result launched = curl("-H", "Content-Type: application/json", "--data", "{\"args\": [0, 1, 2]}",
                server.https(LAUNCH).toString());
        assertEquals(201, status(launched), launched.toString());
        String id = body(launched).path("session").asText();

        Tools.Result reload = curl("-X", "POST", server.https("/api/v1/admin/reload").toString());
        assertEquals(200, status(reload), reload.toString());
        Tools.Result removed = curl("-X", "DELETE", server.https("/api/v1/sessions/" + id).toString());
        assertEquals(204, status(removed), removed.toString());
        Tools.Result read = curl("-H", "Origin: https://evil.example", server.https("/api/v1/whoami").toString());
        assertEquals(200, status(read), read.toString());
    }
}
