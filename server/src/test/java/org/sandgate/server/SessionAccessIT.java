package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * One authentication and one access rule on every route: the API, the event stream and
 * {@code /sandbox} give the same answers to the owner, an administrator, another user, a banned DN, a
 * bearer token and a capability holder; every sandbox download on HTTPS is audited.
 */
class SessionAccessIT {
    @RegisterExtension
    static final Site site = Site.with().user("Ada Admin").user("Alice").user("Dave").user("Mallory").deploy(TestPki.SLEEPY_JAR)
            .config(s -> "admins:\n  - \"" + s.dn("Ada Admin") + "\"\nsandbox:\n  public: false\n").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential ada = site.user("Ada Admin");
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential dave = site.user("Dave");
    static final TestPki.Credential mallory = site.user("Mallory");

    private static final ObjectMapper JSON = new ObjectMapper();

    static String mine;
    static String anonymous;

    @BeforeAll
    static void start() throws Exception {
        mine = launch(alice);
        anonymous = launch(null);
        waitDone(alice, mine);
        waitDone(null, anonymous);
        Https.Reply banned = send(ada, HttpRequest.newBuilder(site.server().https("/api/v1/admin/bans"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"dn\": \"" + mallory.dn() + "\", \"reason\": \"test\"}")));
        assertEquals(200, banned.status(), banned.body());
    }

    static Https.Reply send(TestPki.Credential who, HttpRequest.Builder request) throws Exception {
        return site.as(who).send(request.build());
    }

    static Https.Reply get(TestPki.Credential who, String path) throws Exception {
        return site.as(who).get(site.server().https(path));
    }

    static String launch(TestPki.Credential who) throws Exception {
        Https.Reply r = send(who, HttpRequest.newBuilder(site.server().https("/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 1, 2]}")));
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    static void waitDone(TestPki.Credential who, String id) throws Exception {
        Await.until("session " + id + " ends", Duration.ofSeconds(60),
                () -> get(who, "/api/v1/sessions/" + id).json().path("state").asText().equals("DONE"));
    }

    /** The status of each route for this caller: status, events, a file, the listing. */
    static List<Integer> routes(TestPki.Credential who, String id) throws Exception {
        return List.of(get(who, "/api/v1/sessions/" + id).status(),
                get(who, "/api/v1/sessions/" + id + "/events").status(),
                get(who, "/sandbox/" + id + "/stdout").status(),
                get(who, "/sandbox/" + id + "/").status());
    }

    @Test
    void theOwnerAndAnAdministratorReachEveryRouteAndAnotherUserNone() throws Exception {
        assertEquals(List.of(200, 200, 200, 200), routes(alice, mine));
        assertEquals(List.of(200, 200, 200, 200), routes(ada, mine), "admins may read, follow and fetch");
        assertEquals(List.of(404, 404, 404, 404), routes(dave, mine));
        assertEquals(List.of(404, 404, 404, 404), routes(null, mine));
        assertEquals(404, send(dave, HttpRequest.newBuilder(site.server().https("/api/v1/sessions/" + mine)).DELETE()).status());
    }

    @Test
    void theEventStreamOfAnAdministratorSendsTheStates() throws Exception {
        Https.Reply events = get(ada, "/api/v1/sessions/" + mine + "/events");
        assertEquals(200, events.status(), events.body());
        assertTrue(events.body().contains("event: state") && events.body().contains("\"state\":\"DONE\""), events.body());
    }

    @Test
    void anAnonymousSessionsIdStaysACapabilityOnEveryRouteAndPort() throws Exception {
        assertEquals(List.of(200, 200, 200, 200), routes(null, anonymous));
        assertEquals(List.of(200, 200, 200, 200), routes(dave, anonymous));
        assertEquals(200, site.as(null).get(site.server().http("/sandbox/" + anonymous + "/stdout"))
                .status());
    }

    @Test
    void aBannedDnIsRefusedOnSandboxToWhenItPresentsItsCertificate() throws Exception {
        Https.Reply r = get(mallory, "/sandbox/" + anonymous + "/stdout");
        assertEquals(403, r.status(), r.body());
        assertEquals("not_authorized", r.error(), r.body());
        assertEquals(403, get(mallory, "/api/v1/sessions/" + anonymous + "/events").status());
        assertEquals(403, get(mallory, "/api/v1/sessions/" + anonymous).status());
        assertEquals(200, get(null, "/sandbox/" + anonymous + "/stdout").status(),
                "without its credential the caller is anonymous, and the capability still opens");
        assertTrue(audit().stream().anyMatch(l -> l.path("reason").asText().equals("banned")
                && l.path("call").asText().startsWith("GET /sandbox/")), "the refusal on /sandbox is audited");
    }

    @Test
    void theOwnersBearerTokenOpensHerPrivateSandboxAndABadTokenIsRefused() throws Exception {
        Https.Reply issued = send(alice, HttpRequest.newBuilder(site.server().https("/api/v1/tokens"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, issued.status(), issued.body());
        String token = issued.json().path("token").asText();
        Https.Reply file = site.as(null).send(HttpRequest.newBuilder(
                site.server().https("/sandbox/" + mine + "/stdout")).header("Authorization", "Bearer " + token).build());
        assertEquals(200, file.status(), file.body());
        Https.Reply bad = site.as(null).send(HttpRequest.newBuilder(
                site.server().https("/sandbox/" + mine + "/stdout")).header("Authorization", "Bearer not.a.token").build());
        assertEquals(401, bad.status(), bad.body());
        assertEquals("invalid_token", bad.error());
        assertTrue(bad.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void everyDownloadOnHttpsIsAuditedWithWhoWhatAndHowMuch() throws Exception {
        Https.Reply file = get(alice, "/sandbox/" + mine + "/stdout");
        assertEquals(200, file.status());
        assertEquals(404, get(dave, "/sandbox/" + mine + "/stdout").status());
        long size = Files.size(SandboxPaths.of(dir.resolve("var"), mine).resolve("stdout"));
        List<JsonNode> lines = audit();
        assertTrue(lines.stream().anyMatch(l -> l.path("event").asText().equals("download")
                && l.path("dn").asText().equals(alice.dn()) && l.path("session").asText().equals(mine)
                && l.path("path").asText().equals("stdout") && l.path("decision").asText().equals("allow")
                && l.path("status").asInt() == 200 && l.path("bytes").asLong() == size), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.path("event").asText().equals("download")
                && l.path("dn").asText().equals(dave.dn()) && l.path("session").asText().equals(mine)
                && l.path("decision").asText().equals("deny")), "another owner's try is audited too");
    }

    @Test
    void plainPortDownloadsAreCountedInTheMetrics() throws Exception {
        Https plain = site.as(null);
        double before = metric("sandgate_sandbox_plain_bytes_total");
        assertEquals(200, plain.get(site.server().http("/sandbox/" + anonymous + "/stdout")).status());
        long size = Files.size(SandboxPaths.of(dir.resolve("var"), anonymous).resolve("stdout"));
        assertEquals(before + size, metric("sandgate_sandbox_plain_bytes_total"), 0.1);
    }

    static double metric(String name) throws Exception {
        String text = site.as(null).send(HttpRequest.newBuilder(site.server().https("/metrics")).build())
                .body();
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElse(0);
    }

    static List<JsonNode> audit() throws Exception {
        Thread.sleep(200);
        return Files.readAllLines(dir.resolve("var/logs/audit.log")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }
}
