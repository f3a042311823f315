package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * The authorization callout through real HTTPS: programs that allow, deny, crash, hang and flood
 * their standard error; what they read; the decision cache; the shipped examples; the audit records.
 */
@Isolated("times how soon a hanging callout is cut off")
class AuthzCalloutIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVICE = """
            service: lab.guarded
            methods:
              allowed: {kind: immediate, command: [echo, ran]}
              denied: {kind: immediate, command: [echo, ran]}
              crash: {kind: immediate, command: [echo, ran]}
              hang: {kind: immediate, command: [echo, ran]}
              flood: {kind: immediate, command: [echo, ran]}
              costly: {kind: immediate, cost: "500", command: [echo, ran]}
            """;
    /** Decides by the method called; keeps what it read and counts its runs. */
    static final String CALLOUT = """
            #!/bin/sh
            input=$(cat)
            here=$(dirname "$0")
            printf '%s' "$input" > "$here/last.json"
            echo run >> "$here/runs"
            case "$input" in
              *'"method":"allowed"'*) exit 0 ;;
              *'"method":"costly"'*) exit 0 ;;
              *'"method":"crash"'*) kill -SEGV $$ ;;
              *'"method":"hang"'*) sleep 60 ;;
              *'"method":"flood"'*) head -c 5000000 /dev/zero | tr '\\0' 'e' >&2; exit 0 ;;
              *) echo "SECRET-POLICY-DETAIL denied" >&2; exit 3 ;;
            esac
            """;

    @TempDir
    Path dir;
    TestPki pki;
    TestServer server;
    TestPki.Credential alice;
    TestPki.Credential bob;

    void start(Path callout, String authz) throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        bob = pki.weakUser("Bob");
        pki.map(alice.dn(), "alice");
        pki.map(bob.dn(), "bob");
        Files.createDirectories(pki.conf.resolve("services"));
        Files.writeString(pki.conf.resolve("services").resolve("guarded.yaml"), SERVICE);
        pki.config(pki.baseConfig() + "authz:\n  callout: " + callout + "\n" + authz);
        server = TestServer.start(pki.conf);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    Path callout() throws Exception {
        Path script = dir.resolve("callout").resolve("decide.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, CALLOUT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    Https.Reply call(TestPki.Credential who, String method) throws Exception {
        return new Https(who, pki.strong.certificate()).send(HttpRequest.newBuilder(
                server.https("/api/v1/services/lab/guarded/" + method)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    }

    List<JsonNode> audit() throws Exception {
        return Files.readAllLines(dir.resolve("var/logs/audit.log")).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void theCalloutReadsTheCallAndAllowsOrDenies() throws Exception {
        Path script = callout();
        start(script, "");
        Https.Reply allowed = call(alice, "allowed");
        assertEquals(200, allowed.status(), allowed.body());
        JsonNode read = JSON.readTree(Files.readString(script.resolveSibling("last.json")));
        assertEquals(alice.dn(), read.path("dn").asText());
        assertEquals(TestPki.STRONG_CA, read.path("issuer").asText());
        assertEquals("strong", read.path("tier").asText());
        assertEquals("alice", read.path("account").asText());
        assertFalse(read.path("proxy").asBoolean());
        assertTrue(read.path("addr").asText().matches("127\\.0\\.0\\.1|0:0:0:0:0:0:0:1"), read.toString());
        assertEquals("lab.guarded", read.path("service").asText());
        assertEquals("allowed", read.path("method").asText());
        assertEquals(1.0, read.path("cost").asDouble());

        Https.Reply denied = call(alice, "denied");
        assertEquals(403, denied.status(), denied.body());
        assertEquals("not_authorized", denied.error());
        assertFalse(denied.body().contains("SECRET"), "the callout's words never reach the client: " + denied.body());

        List<JsonNode> audit = audit();
        JsonNode allow = audit.stream().filter(a -> "lab.guarded.allowed".equals(a.path("call").asText())).findFirst().orElseThrow();
        assertEquals("allow", allow.path("decision").asText());
        assertEquals(alice.dn(), allow.path("dn").asText());
        JsonNode deny = audit.stream().filter(a -> "lab.guarded.denied".equals(a.path("call").asText())).findFirst().orElseThrow();
        assertEquals("deny", deny.path("decision").asText());
        assertEquals("not_authorized: callout: callout exit 3", deny.path("reason").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("var/logs/audit.log"))));
    }

    @Test
    void aCrashingHangingOrFloodingCalloutIsHandled() throws Exception {
        start(callout(), "  timeout_seconds: 1\n");
        Https.Reply crash = call(alice, "crash");
        assertEquals(403, crash.status(), crash.body());
        Instant t0 = Instant.now();
        Https.Reply hang = call(alice, "hang");
        long took = Duration.between(t0, Instant.now()).toMillis();
        assertEquals(403, hang.status(), hang.body());
        assertTrue(took < 4000, "a hanging callout is cut off after its timeout: " + took + " ms");
        Https.Reply flood = call(alice, "flood");
        assertEquals(200, flood.status(), "5 MB on stderr does not break the decision: " + flood.body());
        assertEquals(200, call(alice, "allowed").status(), "the server goes on");
        String reasons = audit().stream().map(a -> a.path("reason").asText()).toList().toString();
        assertTrue(reasons.contains("callout died of signal 11"), reasons);
        assertTrue(reasons.contains("did not answer within 1 s"), reasons);
    }

    @Test
    void decisionsAreCachedPerDnServiceAndMethodWhenConfigured() throws Exception {
        Path script = callout();
        start(script, "  cache_seconds: 60\n");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call(alice, "allowed").status());
            assertEquals(403, call(alice, "denied").status());
        }
        assertEquals(200, call(bob, "allowed").status());
        assertEquals(3, Files.readAllLines(script.resolveSibling("runs")).size(),
                "one run per (DN, service, method): alice allowed, alice denied, bob allowed");
    }

    @Test
    void theShippedShellAndPythonExamplesApplyTheirAllowList() throws Exception {
        Path examples = dir.resolve("examples");
        Files.createDirectories(examples);
        for (String name : List.of("allow-list.sh", "allow-list.py")) {
            Files.copy(Path.of("..", "examples", "authz", name), examples.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        bob = pki.weakUser("Bob");
        TestPki.Credential carol = pki.strongUser("Carol");
        for (TestPki.Credential c : List.of(alice, bob, carol)) {
            pki.map(c.dn(), "user");
        }
        Files.writeString(examples.resolve("allowed-dns"), alice.dn() + "\n" + bob.dn() + "\n");
        Files.createDirectories(pki.conf.resolve("services"));
        Files.writeString(pki.conf.resolve("services").resolve("guarded.yaml"), SERVICE);
        for (String name : List.of("allow-list.sh", "allow-list.py")) {
            pki.config(pki.baseConfig() + "authz:\n  callout: " + examples.resolve(name) + "\n");
            server = TestServer.start(pki.conf);
            assertEquals(200, call(alice, "allowed").status(), name);
            assertEquals(200, call(alice, "costly").status(), name + ": strong may spend");
            assertEquals(200, call(bob, "allowed").status(), name);
            assertEquals(403, call(bob, "costly").status(), name + ": weak may not spend over 100");
            assertEquals(403, call(carol, "allowed").status(), name + ": not listed");
            server.close();
            server = null;
        }
    }
}
