package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.plugins.VersionOne;
import org.sandgate.server.plugins.VersionTwo;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Services added, replaced and removed while the server runs and is called: files copied into the
 * deploy directory, and uploads through the API by the developers group.
 */
@Isolated("times how soon a deployed jar serves and how fast the server answers while calls hang")
class HotDeployIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").user("Devon Developer")
            .config(s -> "developers:\n  - \"" + s.dn("Devon Developer") + "\"\nservices:\n  immediate_timeout_seconds: 2\n")
            .build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential dev = site.user("Devon Developer");
    static final Path deploy = pki.conf.resolve("services");

    static final Path SLEEPY_YAML = Path.of("..", "services", "examples", "sleepy", "sleepy.yaml");

    static Path v1;
    static Path v2;

    @BeforeAll
    static void plugins() throws Exception {
        v1 = PluginJar.build(dir.resolve("v1").resolve("version.jar"), VersionOne.class);
        v2 = PluginJar.build(dir.resolve("v2").resolve("version.jar"), VersionTwo.class);
    }

    @AfterAll
    static void stop() throws Exception {
        // local jobs outlive the server by design: a test that leaves one running has a bug
        List<ProcessHandle> left = Tools.processesMentioning(dir.toString());
        List<String> described = left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        for (ProcessHandle p : left) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertTrue(left.isEmpty(), "jobs left running after the tests: " + described);
    }

    @AfterEach
    void clean() throws Exception {
        try (var files = Files.list(deploy)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        site.server().server.services().scan(true);
    }

    static Https.Reply call(TestPki.Credential who, String path, String body) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(site.server().https("/api/v1/services/" + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static int version() throws Exception {
        Https.Reply r = call(alice, "lab/version/which", "{}");
        return r.status() == 200 ? r.json().path("result").path("version").asInt() : -r.status();
    }

    /** Puts a file into the deploy directory the careful way: written beside it, then renamed. */
    static void install(Path source, String name) throws Exception {
        Path temp = deploy.resolve("." + name + ".part");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, deploy.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static long millisUntil(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        Instant start = Instant.now();
        while (!condition.call()) {
            assertTrue(Duration.between(start, Instant.now()).toSeconds() < 10, "not within 10 s");
            Thread.sleep(20);
        }
        return Duration.between(start, Instant.now()).toMillis();
    }

    @Test
    void aJarCopiedIntoTheDeployDirectoryServesWithinTwoSecondsAndGoesWhenRemoved() throws Exception {
        assertEquals(-404, version());
        Files.copy(v1, deploy.resolve("version.jar"));          // as cp does: written in place
        long added = millisUntil(() -> version() == 1);
        Files.delete(deploy.resolve("version.jar"));
        long removed = millisUntil(() -> version() == -404);
        assertTrue(added <= 2000 && removed <= 2000, "added after " + added + " ms, removed after " + removed + " ms");
    }

    @Test
    void aReplacedServiceSwitchesWithoutAFailedCallAndRunningCallsFinishOnTheOldVersion() throws Exception {
        install(v1, "version.jar");
        millisUntil(() -> version() == 1);
        CompletableFuture<Https.Reply> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return call(alice, "lab/version/slow", "{}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            callers.add(CompletableFuture.runAsync(() -> {
                while (go.get()) {
                    try {
                        int v = version();
                        calls.incrementAndGet();
                        if (v != 1 && v != 2) {
                            failures.add("answer " + v);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (int round = 0; round < 6; round++) {
            install(round % 2 == 0 ? v2 : v1, "version.jar");
            Thread.sleep(700);
        }
        go.set(false);
        callers.forEach(CompletableFuture::join);
        Https.Reply old = slow.join();
        assertEquals(200, old.status(), old.body());
        assertEquals(1, old.json().path("result").path("version").asInt(), "the running call finished on version 1");
        assertTrue(failures.isEmpty(), failures.size() + " of " + calls.get() + " calls failed: " + failures);
        assertTrue(calls.get() > 50, calls.get() + " calls");
        assertEquals(1, version(), "the last version installed serves");
    }

    @Test
    void aBrokenReplacementKeepsThePreviousVersionAndIsReportedToDevelopersOnly() throws Exception {
        install(v1, "version.jar");
        millisUntil(() -> version() == 1);
        Path broken = dir.resolve("broken.jar");
        Files.writeString(broken, "this is not a jar");
        install(broken, "version.jar");
        millisUntil(() -> problems(dev).size() == 1);
        assertEquals(1, version(), "the previous version still serves");
        JsonNode problem = problems(dev).get(0);
        assertEquals("version.jar", problem.path("file").asText());
        assertTrue(problem.path("message").asText().startsWith("not a jar file"), problem.toString());
        JsonNode forAlice = site.as(alice).get(site.server().https("/api/v1/services")).json();
        assertFalse(forAlice.has("problems"), "only developers and admins see deploy problems");
    }

    static JsonNode problems(TestPki.Credential who) throws Exception {
        return site.as(who).get(site.server().https("/api/v1/services")).json().path("problems");
    }

    @Test
    void yamlErrorsAreReportedWithTheirLineAndKey() throws Exception {
        Files.writeString(deploy.resolve("bad.yaml"), "service: lab.bad\nmethods:\n  run:\n    command: [true]\n    colour: red\n");
        Files.writeString(deploy.resolve("worse.yaml"), "service: lab.worse\nmethods:\n  run:\n    command: [\"echo\", \"x{a}y\"]\n"
                + "    arguments:\n      a: {type: string}\n");
        millisUntil(() -> problems(dev).size() == 2);
        String all = problems(dev).toString();
        assertTrue(all.contains("line 5: unknown key 'methods.run.colour'"), all);
        assertTrue(all.contains("placeholder must be a whole element"), all);
    }

    @Test
    void theSleepySampleRunsAsACommandService() throws Exception {
        Files.copy(SLEEPY_YAML, deploy.resolve("sleepy.yaml"));
        millisUntil(() -> call(alice, "sleepy/add", "{\"args\": [0, 3, 5.5]}").status() == 201);
        String id = call(alice, "sleepy/add", "{\"args\": [0, 3, 5.5]}").json().path("session").asText();
        JsonNode s = Await.value(Duration.ofSeconds(30), () -> site.get(alice, "/api/v1/sessions/" + id).json(),
                j -> j.path("state").asText().equals("DONE"));
        assertEquals("DONE", s.path("state").asText(), s.toString());
        assertEquals("sleepyadd 3 + 5.5 = 8.5\n", Files.readString(SandboxPaths.of(dir.resolve("var"), id).resolve("stdout")));
        Https.Reply tooCostly = call(alice, "sleepy/add", "{\"args\": [86400, 1, 2]}");
        assertEquals(201, tooCostly.status(), "strong users have no ceiling: " + tooCostly.body());
        String day = tooCostly.json().path("session").asText();
        Https.Reply cancelled = site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/sessions/" + day)).DELETE().build());
        assertEquals(204, cancelled.status(), cancelled.body());
        Instant gone = Instant.now().plusSeconds(15);
        while (!Tools.processesMentioning(day).isEmpty() && Instant.now().isBefore(gone)) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), Tools.processesMentioning(day).stream()
                .map(p -> p.info().commandLine().orElse("?")).toList(), "the day-long job is cancelled, all of it");
        Https.Reply refused = call(alice, "sleepy/add", "{\"args\": [86401, 1, 2]}");
        assertEquals(400, refused.status());
        assertEquals("seconds", refused.json().path("argument").asText());
    }

    @Test
    void developersDeployAndRemoveOverTheApiAndNobodyElseMay() throws Exception {
        Https.Reply byAlice = upload(alice, "lab.version", Files.readAllBytes(v1));
        assertEquals(403, byAlice.status(), byAlice.body());
        assertEquals("not_authorized", byAlice.error());

        Https.Reply first = upload(dev, "lab.version", Files.readAllBytes(v1));
        assertEquals(200, first.status(), first.body());
        assertEquals("[\"lab.version\"]", first.json().path("services").toString());
        assertEquals("lab.version.jar", first.json().path("file").asText());
        assertEquals(1, version(), "deployed when the upload answers");

        Https.Reply broken = upload(dev, "lab.version", "not: [a, service".getBytes());
        assertEquals(422, broken.status(), broken.body());
        assertEquals("deploy_failed", broken.error());
        assertEquals(1, version(), "a refused upload leaves the deployed version");

        assertEquals(200, upload(dev, "lab.version", Files.readAllBytes(v2)).status());
        assertEquals(2, version());

        String yaml = "service: lab.version\nmethods:\n  which:\n    kind: immediate\n    command: [echo, three]\n";
        Https.Reply asYaml = upload(dev, "lab.version", yaml.getBytes());
        assertEquals(200, asYaml.status(), asYaml.body());
        assertEquals("three\n", call(alice, "lab/version/which", "{}").json().path("result").path("stdout").asText());
        assertFalse(Files.exists(deploy.resolve("lab.version.jar")), "the YAML replaced the jar");

        Https.Reply files = site.as(dev).get(site.server().https("/api/v1/admin/services"));
        assertEquals("lab.version.yaml", files.json().path("files").get(0).path("file").asText(), files.body());
        assertEquals(403, site.as(alice).get(site.server().https("/api/v1/admin/services")).status());

        assertEquals(403, remove(alice, "lab.version").status());
        assertEquals(204, remove(dev, "lab.version").status());
        assertEquals(-404, version());
        assertEquals(404, remove(dev, "lab.version").status());
    }

    static Https.Reply upload(TestPki.Credential who, String name, byte[] body) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/admin/services/" + name)).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    static Https.Reply remove(TestPki.Credential who, String name) throws Exception {
        return site.as(who).send(HttpRequest.newBuilder(
                site.server().https("/api/v1/admin/services/" + name)).DELETE().build());
    }

    @Test
    void uploadsMayBeLargerThanOrdinaryRequests() throws Exception {
        String big = "service: lab.big\nmethods:\n  run:\n    kind: immediate\n    command: [echo, big]\n# "
                + "x".repeat(2 * 1024 * 1024) + "\n";
        Https.Reply upload = upload(dev, "lab.big", big.getBytes());
        assertEquals(200, upload.status(), upload.body().length() > 300 ? upload.body().substring(0, 300) : upload.body());
        // announced, not sent: the server refuses on the length before reading the body
        javax.net.ssl.SSLSocketFactory factory = Https.sslContext(alice, pki.strong.certificate()).getSocketFactory();
        try (java.net.Socket socket = factory.createSocket("localhost", site.server().server.httpsPort())) {
            socket.getOutputStream().write(("POST /api/v1/services/lab/big/run HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 413"), "other requests keep server.max_request_bytes: " + response);
        }
    }

    @Test
    void anImmediateMethodThatRunsTooLongIsCutOff() throws Exception {
        install(v1, "version.jar");
        millisUntil(() -> version() == 1);
        Instant start = Instant.now();
        Https.Reply r = call(alice, "lab/version/hang", "{}");
        long took = Duration.between(start, Instant.now()).toMillis();
        assertEquals(504, r.status(), r.body());
        assertEquals("service_timeout", r.error());
        assertTrue(took >= 1900 && took < 5000, took + " ms");
        assertEquals(1, version(), "the server still answers");
    }

    @Test
    void cheapRequestsAreHandledWhereTheyAreReadAndNeverWaitForBlockedCalls() throws Exception {
        assertEquals(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING, site.server().server.requestHandling());
        install(v1, "version.jar");
        millisUntil(() -> version() == 1);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Https.Reply>> hanging = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                hanging.add(callers.submit(() -> call(alice, "lab/version/hang", "{}")));
            }
            Thread.sleep(300);
            Https https = site.as(alice);
            for (int i = 0; i < 5; i++) {
                Instant start = Instant.now();
                assertEquals(200, https.get(site.server().https("/api/v1/whoami")).status());
                assertEquals(200, https.get(site.server().https("/health")).status());
                long took = Duration.between(start, Instant.now()).toMillis();
                assertTrue(took < 1000, "whoami and health answered in " + took + " ms while four calls hang");
            }
            for (java.util.concurrent.Future<Https.Reply> call : hanging) {
                assertEquals(504, call.get().status(), "the hanging calls are still cut off");
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
