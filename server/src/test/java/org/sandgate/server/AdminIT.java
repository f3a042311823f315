package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * Administration through real HTTPS: reload, bans that survive a restart, every session, drain
 * mode, and the audit log of it all; non-admins refused.
 */
class AdminIT {
    @TempDir
    Path dir;
    TestPki pki;
    TestServer server;
    TestPki.Credential ada;
    TestPki.Credential alice;
    TestPki.Credential carol;
    TestPki.Credential walt;

    String config(String more) {
        return pki.baseConfig() + "admins:\n  - \"" + ada.dn() + "\"\ngridmap:\n  reload_seconds: 3600\n" + more;
    }

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        ada = pki.strongUser("Ada Admin");
        alice = pki.strongUser("Alice");
        carol = pki.strongUser("Carol");
        walt = pki.weakUser("Walt");
        pki.map(ada.dn(), "ada");
        pki.map(alice.dn(), "alice");
        pki.map(carol.dn(), "carol");
        pki.map(walt.dn(), "walt");
        pki.deploy(TestPki.ECHO_JAR);
        pki.deploy(TestPki.SLEEPY_JAR);
        pki.config(config("audit:\n  max_bytes: 8192\n"));
        server = TestServer.start(pki.conf);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    Https.Reply send(TestPki.Credential who, HttpRequest.Builder request) throws Exception {
        return new Https(who, pki.strong.certificate()).send(request.build());
    }

    Https.Reply get(TestPki.Credential who, String path) throws Exception {
        return send(who, HttpRequest.newBuilder(server.https(path)));
    }

    Https.Reply post(TestPki.Credential who, String path, String body) throws Exception {
        return send(who, HttpRequest.newBuilder(server.https(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Https.Reply put(TestPki.Credential who, String path, String body) throws Exception {
        return send(who, HttpRequest.newBuilder(server.https(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Https.Reply delete(TestPki.Credential who, String path) throws Exception {
        return send(who, HttpRequest.newBuilder(server.https(path)).DELETE());
    }

    List<String> audit() throws Exception {
        return Files.readAllLines(dir.resolve("var/logs/audit.log"));
    }

    @Test
    void everyAdminActionIsRefusedToOthersAndAudited() throws Exception {
        List<Https.Reply> replies = new ArrayList<>(List.of(
                post(alice, "/api/v1/admin/reload", ""),
                get(alice, "/api/v1/admin/bans"),
                put(alice, "/api/v1/admin/bans", "{\"dn\": \"" + carol.dn() + "\"}"),
                delete(alice, "/api/v1/admin/bans?dn=x"),
                get(alice, "/api/v1/admin/sessions"),
                get(alice, "/api/v1/admin/drain"),
                post(alice, "/api/v1/admin/drain", "{\"draining\": true}"),
                post(null, "/api/v1/admin/drain", "{\"draining\": true}")));
        for (Https.Reply r : replies) {
            assertEquals(403, r.status(), r.body());
            assertEquals("not_authorized", r.error());
        }
        assertTrue(audit().stream().anyMatch(l -> l.contains("\"call\":\"admin.drain\"") && l.contains("\"decision\":\"deny\"")
                && l.contains(alice.dn())), "refusals are audited");
    }

    @Test
    void aBanIsImmediateAndSurvivesARestart() throws Exception {
        String rfc2253 = carol.chain()[0].getSubjectX500Principal().getName();
        assertEquals(200, get(carol, "/api/v1/whoami").status());
        Https.Reply ban = put(ada, "/api/v1/admin/bans", "{\"dn\": \"" + rfc2253 + "\", \"reason\": \"abuse\"}");
        assertEquals(200, ban.status(), ban.body());
        Https.Reply refused = get(carol, "/api/v1/whoami");
        assertEquals(403, refused.status());
        assertEquals("this DN is banned on this server", refused.json().path("message").asText());
        assertEquals(200, get(alice, "/api/v1/whoami").status());

        server.close();
        server = TestServer.start(pki.conf);
        assertEquals(403, get(carol, "/api/v1/whoami").status(), "the ban survives a restart");
        assertEquals("abuse", get(ada, "/api/v1/admin/bans").json().path("bans").get(0).path("reason").asText());
        assertEquals(204, delete(ada, "/api/v1/admin/bans?dn=" + URLEncoder.encode(carol.dn(), StandardCharsets.UTF_8)).status());
        assertEquals(200, get(carol, "/api/v1/whoami").status());
        assertEquals(404, delete(ada, "/api/v1/admin/bans?dn=" + URLEncoder.encode(carol.dn(), StandardCharsets.UTF_8)).status());
        List<String> audit = audit();
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"action\":\"ban\"") && l.contains("abuse")), "bans are audited");
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"reason\":\"banned\"")), "refused banned calls are audited");
    }

    @Test
    void malformedAdminRequestsAreRefusedAndStoreNothing() throws Exception {
        for (String body : List.of("{}", "{\"dn\": \"\"}", "{\"dn\": 42}", "{\"dn\": [\"/CN=x\"]}",
                "{\"dn\": \"/CN=" + "x".repeat(100_000) + "\"}", "{\"dn\": \"/CN=x\", \"reason\": {\"a\": 1}}")) {
            Https.Reply r = put(ada, "/api/v1/admin/bans", body);
            assertEquals(400, r.status(), body.length() > 80 ? body.substring(0, 80) : body);
            assertEquals("invalid_argument", r.json().path("error").asText());
        }
        assertEquals(0, get(ada, "/api/v1/admin/bans").json().path("bans").size(), "no ban was stored");
        for (String limit : List.of("-1", "0", "abc", "99999999999", "1.5")) {
            Https.Reply r = get(ada, "/api/v1/admin/sessions?limit=" + limit);
            assertEquals(400, r.status(), limit + ": " + r.body());
            assertEquals("invalid_argument", r.json().path("error").asText());
        }
        assertEquals(200, get(ada, "/api/v1/admin/sessions?limit=5").status());
        Https.Reply number = post(ada, "/api/v1/admin/tokens/revocations", "{\"jti\": 123}");
        assertEquals(400, number.status(), number.body());
    }

    @Test
    void adminsSeeEverySessionAndMayCancelAny() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [60, 1, 2]}").json().path("session").asText();
        JsonNode all = get(ada, "/api/v1/admin/sessions").json();
        assertTrue(all.path("sessions").toString().contains(id), all.toString());
        assertEquals(alice.dn(), get(ada, "/api/v1/sessions/" + id).json().path("owner").asText());
        assertEquals(404, get(carol, "/api/v1/sessions/" + id).status(), "other users still cannot");
        assertEquals(204, delete(ada, "/api/v1/sessions/" + id).status());
        assertEquals(404, get(alice, "/api/v1/sessions/" + id).status());
    }

    @Test
    void drainModeTakesNoNewJobsLetsRunningOnesFinishAndShowsInHealth() throws Exception {
        String running = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [2, 1, 2]}").json().path("session").asText();
        assertEquals(true, post(ada, "/api/v1/admin/drain", "{\"draining\": true}").json().path("draining").asBoolean());
        Https.Reply refused = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}");
        assertEquals(503, refused.status(), refused.body());
        assertEquals("draining", refused.error());
        assertEquals(200, post(alice, "/api/v1/services/echo/echo", "{\"args\": [\"x\"]}").status(), "immediate calls go on");
        assertEquals("draining", get(null, "/health").json().path("status").asText());
        JsonNode s = Await.value(Duration.ofSeconds(30), () -> get(alice, "/api/v1/sessions/" + running).json(),
                j -> j.path("state").asText().equals("DONE"));
        assertEquals("DONE", s.path("state").asText(), "the running job finishes");
        post(ada, "/api/v1/admin/drain", "{\"draining\": false}");
        assertEquals(201, post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").status());
        assertEquals("ok", get(null, "/health").json().path("status").asText());
    }

    @Test
    void reloadPutsTheConfigurationTheGridMapfileAndDevelopersInForceWithoutARestart() throws Exception {
        TestPki.Credential dora = pki.strongUser("Dora");
        assertEquals(201, post(walt, "/api/v1/services/sleepy/add", "{\"args\": [20, 1, 2]}").status());
        assertEquals(403, get(dora, "/api/v1/admin/services").status());
        JsonNode before = get(dora, "/api/v1/whoami").json();
        assertTrue(before.path("account").isNull());

        pki.config("tiers:\n  weak_issuers: [\"" + TestPki.WEAK_CA + "\"]\n  limits: {weak: 10}\n"
                + "tls:\n  refresh_seconds: 1\nadmins: [\"" + ada.dn() + "\"]\ngridmap: {reload_seconds: 3600}\n"
                + "developers: [\"" + dora.dn() + "\"]\nserver: {max_request_bytes: 4096}\naudit: {max_bytes: 8192}\n");
        pki.map(dora.dn(), "dora");
        Https.Reply reload = post(ada, "/api/v1/admin/reload", "");
        assertEquals(200, reload.status(), reload.body());
        assertEquals("[\"server.max_request_bytes\"]", reload.json().path("restart_needed").toString());

        Https.Reply tooCostly = post(walt, "/api/v1/services/sleepy/add", "{\"args\": [20, 1, 2]}");
        assertEquals(403, tooCostly.status(), "the new weak ceiling is in force: " + tooCostly.body());
        assertEquals("dora", get(dora, "/api/v1/whoami").json().path("account").asText(), "the grid-mapfile was re-read");
        assertEquals(200, get(dora, "/api/v1/admin/services").status(), "the new developer may deploy");

        Files.writeString(pki.conf.resolve("sandgate.yaml"), "tiers: [not, a, map\n");
        Https.Reply broken = post(ada, "/api/v1/admin/reload", "");
        assertEquals(422, broken.status(), broken.body());
        assertEquals("invalid_configuration", broken.error());
        assertEquals(403, post(walt, "/api/v1/services/sleepy/add", "{\"args\": [20, 1, 2]}").status(),
                "a refused configuration changes nothing");
    }

    @Test
    void theAuditLogRecordsSessionsAndRotatesWithItsMode() throws Exception {
        String id = post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 1, 2]}").json().path("session").asText();
        Await.until("session " + id + " ends", Duration.ofSeconds(30),
                () -> get(alice, "/api/v1/sessions/" + id).json().path("state").asText().equals("DONE"));
        // the audit line of a state is written by a session listener, which may run just after the API shows it
        for (String state : List.of("QUEUED", "RUNNING", "DONE")) {
            List<String> lines = Await.value(Duration.ofSeconds(10), this::audit, l -> hasSessionLine(l, id, state));
            assertTrue(hasSessionLine(lines, id, state), state + " in " + lines);
        }
        for (int i = 0; i < 60; i++) {
            post(alice, "/api/v1/services/echo/echo", "{\"args\": [\"x\"]}");
        }
        Path rotated = dir.resolve("var/logs/audit.log.1");
        assertTrue(Files.exists(rotated), "rotated at audit.max_bytes");
        assertTrue(Files.size(dir.resolve("var/logs/audit.log")) <= 8192);
        for (Path p : List.of(rotated, dir.resolve("var/logs/audit.log"))) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
        }
    }

    private static boolean hasSessionLine(List<String> lines, String id, String state) {
        return lines.stream().anyMatch(l -> l.contains("\"event\":\"session\"") && l.contains(id)
                && l.contains("\"state\":\"" + state + "\""));
    }
}
