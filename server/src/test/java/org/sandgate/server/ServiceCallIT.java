package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.plugins.DuplicateEcho;
import org.sandgate.server.plugins.LabService;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Immediate service calls end to end through real HTTPS: plugin jars from the deploy directory in
 * their own class loaders, argument schemas, graduated security, and plugins that misbehave.
 */
class ServiceCallIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").weakUser("Bob").unmappedUser("Carol").deploy(TestPki.ECHO_JAR)
            .before(s -> {
                Path services = s.pki().conf.resolve("services");
                PluginJar.build(services.resolve("lab.jar"), LabService.class);
                PluginJar.build(services.resolve("z-duplicate.jar"), DuplicateEcho.class);
                Files.writeString(services.resolve("broken.jar"), "this is not a zip file");
            }).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential bob = site.user("Bob");
    static final TestPki.Credential carol = site.user("Carol");

    private static final ObjectMapper JSON = new ObjectMapper();


    private static Https.Reply call(TestPki.Credential who, String path, String body) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/services/" + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String args(Object... values) throws Exception {
        return JSON.writeValueAsString(java.util.Map.of("args", List.of(values)));
    }

    private static void assertInvalid(Https.Reply r, String argument) {
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_argument", r.error(), r.body());
        assertEquals(argument, r.json().path("argument").asText(null), r.body());
    }

    @Test
    void immediateMethodAnswersWithItsResult() throws Exception {
        Https.Reply r = call(alice, "echo/echo", args("hello", 3));
        assertEquals(200, r.status(), r.body());
        JsonNode result = r.json().get("result");
        assertEquals("hellohellohello", result.get("echo").asText());
        assertEquals(alice.dn(), result.get("caller").asText());
        assertEquals("strong", result.get("tier").asText());
    }

    @Test
    void argumentsMayBeGivenByName() throws Exception {
        Https.Reply r = call(alice, "echo/echo", "{\"args\": {\"times\": 2, \"text\": \"ab\"}}");
        assertEquals(200, r.status(), r.body());
        assertEquals("abab", r.json().get("result").get("echo").asText());
    }

    @Test
    void argumentsThatDoNotFitTheSchemaAreRefusedNamingTheArgument() throws Exception {
        assertInvalid(call(alice, "echo/echo", args("x", 11)), "times");
        assertInvalid(call(alice, "echo/echo", args("x", "3")), "times");
        assertInvalid(call(alice, "echo/echo", args("x", 2.5)), "times");
        assertInvalid(call(alice, "echo/echo", args(42)), "text");
        assertInvalid(call(alice, "echo/echo", "{\"args\": []}"), "text");
        assertInvalid(call(alice, "echo/echo", "{\"args\": {\"text\": \"x\", \"colour\": 1}}"), "colour");
        assertInvalid(call(alice, "echo/echo", args("x".repeat(4097))), "text");
        assertInvalid(call(alice, "echo/echo", args("nul\u0000byte")), "text");
        Https.Reply tooMany = call(alice, "echo/echo", args("x", 1, 2));
        assertEquals(400, tooMany.status(), tooMany.body());
        assertEquals("invalid_argument", tooMany.error());
    }

    @Test
    void shellSyntaxReachesTheServiceAsLiteralText() throws Exception {
        for (String hostile : new String[] {"; rm -rf /", "$(id)", "`id`", "a\nb", "--option", "' OR 1=1 --",
                                            "\u00e9\u4e2d\ud83d\ude00"}) {
            Https.Reply r = call(alice, "echo/echo", args(hostile));
            assertEquals(200, r.status(), r.body());
            assertEquals(hostile, r.json().get("result").get("text").asText());
        }
    }

    @Test
    void bodiesThatAreNotJsonAreRefused() throws Exception {
        for (String body : new String[] {"not json", "[1,2]", "{\"args\": 5}", "{\"args\": [\"x\""}) {
            Https.Reply r = call(alice, "echo/echo", body);
            assertEquals(400, r.status(), body + " -> " + r.body());
        }
    }

    @Test
    void aDuplicateKeyIsRefusedNeverTheLastOneWins() throws Exception {
        Https.Reply r = call(alice, "echo/echo", "{\"args\": {\"text\": \"a\", \"text\": \"b\"}}");
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_json", r.error(), r.body());
        assertTrue(r.json().path("message").asText().contains("duplicate key 'text'"), r.body());
        Https.Reply top = call(alice, "echo/echo", "{\"args\": [\"a\"], \"args\": [\"b\"]}");
        assertEquals("invalid_json", top.error(), top.body());
        assertTrue(top.json().path("message").asText().contains("duplicate key 'args'"), top.body());
    }

    @Test
    void dataAfterTheDocumentOrASecondDocumentIsRefused() throws Exception {
        for (String body : new String[] {"{\"args\": [\"a\"]} {\"args\": [\"b\"]}", "{\"args\": [\"a\"]}[]",
                                         "{\"args\": [\"a\"]}\n{}\n"}) {
            Https.Reply r = call(alice, "echo/echo", body);
            assertEquals(400, r.status(), body + " -> " + r.body());
            assertEquals("invalid_json", r.error(), r.body());
            assertTrue(r.json().path("message").asText().contains("more data after the JSON document"), r.body());
        }
        Https.Reply garbage = call(alice, "echo/echo", "{\"args\": [\"a\"]} trailing");
        assertEquals("invalid_json", garbage.error(), garbage.body());
        Https.Reply spaces = call(alice, "echo/echo", "{\"args\": [\"a\"]}\n\t \n");
        assertEquals(200, spaces.status(), "white space after the document is fine: " + spaces.body());
    }

    @Test
    void invalidUtf8IsReadAsReplacementCharactersNeverAsRawBytes() throws Exception {
        byte[] head = "{\"args\": [\"a".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = "b\"]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xC3;      // a lead byte followed by a byte that cannot continue it
        body[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        Https.Reply r = site.as(alice).send(HttpRequest.newBuilder(
                        site.server().https("/api/v1/services/echo/echo")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        assertEquals(200, r.status(), r.body());
        assertEquals("a\ufffd(b", r.json().get("result").get("text").asText());
    }

    @Test
    void unknownServiceOrMethodIsA404() throws Exception {
        Https.Reply noService = call(alice, "no/such/service/run", args());
        assertEquals(404, noService.status(), noService.body());
        assertEquals("not_found", noService.error());
        Https.Reply noMethod = call(alice, "echo/shout", args("x"));
        assertEquals(404, noMethod.status(), noMethod.body());
    }

    @Test
    void dottedServiceNamesMapToPathSegments() throws Exception {
        Https.Reply r = call(alice, "lab/tools/costly", args(5));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.json().get("result").get("ran").asBoolean());
    }

    @Test
    void aCallOverTheTiersCeilingNamesTheTierThatWouldBeEnough() throws Exception {
        Https.Reply weak = call(bob, "lab/tools/costly", args(5000));
        assertEquals(403, weak.status(), weak.body());
        assertEquals("insufficient_credential", weak.error());
        assertEquals(5000, weak.json().get("cost").asDouble());
        assertEquals("weak", weak.json().get("tier").asText());
        assertEquals("strong", weak.json().get("required_tier").asText());
        assertEquals(3600, weak.json().get("limit").asLong());

        Https.Reply anonymous = call(null, "lab/tools/costly", args(61));
        assertEquals(403, anonymous.status(), anonymous.body());
        assertEquals("weak", anonymous.json().get("required_tier").asText());

        assertEquals(200, call(bob, "lab/tools/costly", args(3600)).status());
        assertEquals(200, call(null, "lab/tools/costly", args(60)).status());
        assertEquals(200, call(alice, "lab/tools/costly", args(1_000_000)).status());
    }

    @Test
    void aCallerWithoutAnAccountMayNotCall() throws Exception {
        Https.Reply r = call(carol, "echo/echo", args("x"));
        assertEquals(403, r.status(), r.body());
        assertEquals("not_authorized", r.error());
    }

    @Test
    void aFailingPluginIsA500ForThatCallOnlyWithoutItsDetails() throws Exception {
        for (String method : new String[] {"fail", "bad_cost"}) {
            Https.Reply r = call(alice, "lab/tools/" + method, args());
            assertEquals(500, r.status(), r.body());
            assertEquals("service_error", r.error());
            assertFalse(r.body().contains("secret") || r.body().contains("Exception"), r.body());
        }
        assertEquals(200, call(alice, "echo/echo", args("still here")).status());
    }

    @Test
    void aPluginSeesTheServiceApiAndTheJdkButNotTheServer() throws Exception {
        JsonNode seen = call(alice, "lab/tools/look_around", args()).json().get("result");
        assertTrue(seen.get("api").asBoolean(), seen.toString());
        assertTrue(seen.get("jdk").asBoolean(), seen.toString());
        assertFalse(seen.get("server").asBoolean(), seen.toString());
        assertFalse(seen.get("jackson").asBoolean(), seen.toString());
        assertFalse(seen.get("jetty").asBoolean(), seen.toString());
    }

    @Test
    void brokenAndDuplicatePluginsAreReportedAndTheOthersServe() throws Exception {
        List<String> problems = site.server().server.services().current().problems().stream()
                .map(p -> p.file() + ": " + p.message()).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("broken.jar: not a jar file")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("z-duplicate.jar: service echo is already deployed")),
                problems.toString());
        assertEquals("hello", call(alice, "echo/echo", args("hello")).json().get("result").get("echo").asText());
    }

    @Test
    void theServiceListShowsMethodsArgumentSchemasAndCostLimits() throws Exception {
        Https.Reply r = site.as(null).get(site.server().https("/api/v1/services"));
        assertEquals(200, r.status(), r.body());
        List<String> names = new ArrayList<>();
        r.json().get("services").forEach(s -> names.add(s.get("name").asText()));
        assertEquals(List.of("echo", "lab.tools"), names);
        JsonNode echo = r.json().get("services").get(0).get("methods").get(0);
        assertEquals("/api/v1/services/echo/echo", echo.get("path").asText());
        JsonNode times = echo.get("arguments").get(1);
        assertEquals("integer", times.get("type").asText());
        assertEquals(10, times.get("max").asInt());
        assertTrue(times.get("min").isIntegralNumber() && times.get("max").isIntegralNumber(), times.toString());
        assertTrue(r.body().contains("\"min\":1,\"max\":10"), r.body());
        assertFalse(times.get("required").asBoolean());
        assertEquals(3600, r.json().get("cost_limits").get("weak").asLong());
    }
}
