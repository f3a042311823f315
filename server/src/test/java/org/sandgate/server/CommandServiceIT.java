package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Declarative command services through real HTTPS: what a caller sends either is refused by the
 * schema (400 naming the argument) or reaches the program as exactly one literal argv element, in
 * immediate methods and in jobs.
 */
class CommandServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICE = """
            service: lab.argv
            description: shows its arguments
            methods:
              show:
                kind: immediate
                arguments:
                  text: {type: string}
                cost: "1"
                command: [printf, "<%s>", "{text}"]
              keep:
                arguments:
                  text: {type: string}
                command: [printf, "<%s>", "{text}"]
              typed:
                kind: immediate
                arguments:
                  n: {type: integer, min: 0, max: 10}
                  x: {type: number}
                  flag: {type: boolean}
                  colour: {type: string, enum: [red, blue]}
                  note: {type: string, pattern: "[a-z]+", optional: true}
                cost: n * 2 + max(x, 0)
                command: [printf, "%s|", "{n}", "{x}", "{flag}", "{colour}", "{note}"]
              read:
                kind: immediate
                arguments:
                  data: {type: file, filename: data.txt, max_bytes: 64}
                command: [cat, data.txt]
                environment: {LC_ALL: C}
              bounded:
                kind: immediate
                arguments:
                  n: {type: integer, min: 1}
                  x: {type: number, max: 2.5}
                command: [printf, "%s|", "{n}", "{x}"]
            """;

    @RegisterExtension
    static final Site site = Site.with().user("Alice")
            .before(s -> Files.writeString(s.pki().conf.resolve("services").resolve("argv.yaml"), SERVICE)).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");

    static Https.Reply call(String method, byte[] body) throws Exception {
        return site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/services/lab/argv/" + method)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static Https.Reply call(String method, Object... args) throws Exception {
        return call(method, JSON.writeValueAsBytes(Map.of("args", List.of(args))));
    }

    static void assertRefused(Https.Reply r, String argument) {
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_argument", r.error());
        assertEquals(argument, r.json().path("argument").asText(), r.body());
    }

    static String jobOutput(String text) throws Exception {
        Https.Reply r = call("keep", text);
        assertEquals(201, r.status(), r.body());
        String id = r.json().path("session").asText();
        JsonNode s = Await.value(Duration.ofSeconds(30), () -> site.get(alice, "/api/v1/sessions/" + id).json(),
                j -> List.of("DONE", "FAILED").contains(j.path("state").asText()));
        assertEquals("DONE", s.path("state").asText(), s.toString());
        return Files.readString(SandboxPaths.of(dir.resolve("var"), id).resolve("stdout"));
    }

    @Test
    void shellSyntaxAndOptionsReachTheProgramAsOneLiteralArgument() throws Exception {
        for (String hostile : List.of("; rm -rf /", "$(id)", "`id`", "a\nb", "--option", "-n", "' OR 1=1 --",
                "{text}", "*", "\u00e9\u4e2d\ud83d\ude00", "x".repeat(4096))) {
            Https.Reply now = call("show", hostile);
            assertEquals(200, now.status(), now.body());
            assertEquals("<" + hostile + ">", now.json().path("result").path("stdout").asText(), hostile);
            assertEquals(0, now.json().path("result").path("exit_code").asInt());
        }
        for (String hostile : List.of("; rm -rf / $(id) `id`", "--option\nnext")) {
            assertEquals("<" + hostile + ">", jobOutput(hostile));
        }
    }

    @Test
    void whatCannotBeOneArgumentIsRefusedNamingIt() throws Exception {
        assertRefused(call("show", "nul\u0000byte"), "text");
        assertRefused(call("show", "x".repeat(4097)), "text");
        assertRefused(call("show", 42), "text");
        assertRefused(call("typed", 11, 1.0, true, "red"), "n");
        assertRefused(call("typed", 1, "1.0", true, "red"), "x");
        assertRefused(call("typed", 1, 1.0, "yes", "red"), "flag");
        assertRefused(call("typed", 1, 1.0, true, "purple"), "colour");
        assertRefused(call("typed", 1, 1.0, true, "red", "Not-Lower"), "note");
        assertRefused(call("read", "x".repeat(65)), "data");
    }

    @Test
    void invalidUtf8ArrivesAsReplacementCharactersInOneArgument() throws Exception {
        byte[] body = "{\"args\": [\"a\u0001(b\"]}".getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf('\u0001');
        body[at] = (byte) 0xC3;     // a lead byte followed by one that cannot continue it
        Https.Reply r = call("show", body);
        assertEquals(200, r.status(), r.body());
        assertEquals("<a\ufffd(b>", r.json().path("result").path("stdout").asText());
    }

    @Test
    void typedValuesAreWrittenPlainlyAndOptionalOnesDropOut() throws Exception {
        Https.Reply r = call("typed", 3, 2.5, true, "blue");
        assertEquals(200, r.status(), r.body());
        assertEquals("3|2.5|true|blue|", r.json().path("result").path("stdout").asText());
        Https.Reply named = site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/services/lab/argv/typed")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"args\": {\"n\": 0, \"x\": 1e3, \"flag\": false, \"colour\": \"red\", \"note\": \"hi\"}}")).build());
        assertEquals("0|1000|false|red|hi|", named.json().path("result").path("stdout").asText(), named.body());
    }

    @Test
    void aFileArgumentIsWrittenUnderItsNameAndTheProgramReadsIt() throws Exception {
        Https.Reply r = call("read", "line one\n$(id) `id`\n");
        assertEquals(200, r.status(), r.body());
        assertEquals("line one\n$(id) `id`\n", r.json().path("result").path("stdout").asText());
    }

    @Test
    void theServiceListShowsTheCommandServicesSchema() throws Exception {
        JsonNode list = site.as(alice).get(site.server().https("/api/v1/services")).json();
        JsonNode service = list.path("services").get(0);
        assertEquals("lab.argv", service.path("name").asText());
        assertEquals("job", service.path("methods").get(1).path("kind").asText());
        assertEquals("[\"red\",\"blue\"]", service.path("methods").get(2).path("arguments").get(3).path("enum").toString());
    }

    @Test
    void integerBoundsAreIntegersAndAOneSidedBoundShowsOnlyItsSide() throws Exception {
        Https.Reply r = site.as(alice).get(site.server().https("/api/v1/services"));
        JsonNode bounded = null;
        for (JsonNode m : r.json().path("services").get(0).path("methods")) {
            if (m.path("name").asText().equals("bounded")) {
                bounded = m.path("arguments");
            }
        }
        assertEquals("{\"name\":\"n\",\"type\":\"integer\",\"required\":true,\"min\":1}", bounded.get(0).toString());
        assertEquals("{\"name\":\"x\",\"type\":\"number\",\"required\":true,\"max\":2.5}", bounded.get(1).toString());
        assertRefused(call("bounded", 0, 1), "n");
        assertTrue(call("bounded", 0, 1).json().path("message").asText().endsWith("must be at least 1"));
        assertTrue(call("bounded", 1, 3).json().path("message").asText().endsWith("must be at most 2.5"));
        assertEquals("1|2.5|", call("bounded", 1, 2.5).json().path("result").path("stdout").asText());
    }
}
