package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * A hostile job against the sandbox download, for real: the job (a YAML command service running the
 * caller's shell script as the server's account, personal mode) swaps its own sandbox for a link
 * to the server's state directory, flips a directory on a path and the last component between a
 * real entry and a link with {@code renameat2(RENAME_EXCHANGE)} (a small C program built here), and
 * plants FIFOs, while this test downloads through the job's capability URL on the plain port. No
 * byte of the server's state may come back, no request may answer 5xx, none may hang.
 *
 * <p>Run against the code before the job-boundary work (ported only by dropping the {@code jobs}
 * key that code does not know), every test here fails: the swapped sandbox served the signing key;
 * the flipped directory leaked the state's bytes 359 times in 20,000 downloads, with 500s; the
 * flipped last component answered 61 of 10,000 requests with 500; FIFOs hung or failed 23
 * requests; a file shortened while sent gave 500s. All pass on the current code.
 */
@Isolated("races a hostile job thousands of times and times the answers")
class SandboxLinkAttackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HARMLESS = "HARMLESS";
    private static final String SERVICE = """
            service: hostile
            methods:
              run:
                arguments:
                  script: {type: string, max_length: 4000}
                cost: "1"
                command: [/bin/sh, -c, "{script}"]
            """;
    /** Exchanges two names until a stop file appears, then leaves them as they were. */
    private static final String RACER = """
            #define _GNU_SOURCE
            #include <fcntl.h>
            #include <stdio.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            #ifndef RENAME_EXCHANGE
            #define RENAME_EXCHANGE (1 << 1)
            #endif
            static int swap(const char *a, const char *b) {
                return (int) syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
            }
            int main(int argc, char **argv) {
                long n = 0;
                if (argc != 4) return 2;
                for (;;) {
                    if (swap(argv[1], argv[2]) != 0) { perror("renameat2"); return 1; }
                    if ((++n & 255) == 0 && access(argv[3], F_OK) == 0) break;
                }
                printf("%ld exchanges\\n", n);
                return 0;
            }
            """;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static TestPki.Credential alice;
    static Path racer;
    static Path state;
    static String secret;
    static HttpClient plain;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        Files.createDirectories(pki.conf.resolve("services"));
        Files.writeString(pki.conf.resolve("services").resolve("hostile.yaml"), SERVICE);
        // serving must hold on its own, where jobs are not contained: a contained job cannot even
        // see the racer, DATA/state or its sandbox's parent
        pki.config("jobs:\n  containment: none\n");
        server = TestServer.start(pki.conf);
        Path source = dir.resolve("racer.c");
        Files.writeString(source, RACER);
        racer = dir.resolve("racer");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", racer.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), "gcc: " + out);
        state = pki.root.resolve("var/state");
        secret = Files.readString(state.resolve("token-signing-key.jwk"));
        assertTrue(secret.contains("\"d\""), "the signing key is there to be stolen");
        plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Starts the hostile job; returns its session id. */
    private static String job(String script) throws Exception {
        Https.Reply r = new Https(alice, pki.strong.certificate()).send(HttpRequest.newBuilder(
                server.https("/api/v1/services/hostile/run")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("args", Map.of("script", script))))).build());
        assertEquals(201, r.status(), r.body());
        return r.json().get("session").asText();
    }

    private static String stateOf(String id) throws Exception {
        return new Https(alice, pki.strong.certificate()).get(server.https("/api/v1/sessions/" + id)).json()
                .path("state").asText();
    }

    private static void awaitFinal(String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            String s = stateOf(id);
            if (s.equals("DONE") || s.equals("FAILED")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("session " + id + " did not end");
    }

    private static Path sandboxOf(String id) {
        return SandboxPaths.of(pki.root.resolve("var"), id);
    }

    private static void awaitFile(Path file) throws Exception {
        for (int i = 0; i < 600 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws Exception {
        // a bound on the whole exchange, body included: a response cut short must not hang the test
        return plain.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + server.server.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray())
                .get(10, TimeUnit.SECONDS);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** True when an archive holds anything but the racing directory's harmless file. */
    private static boolean archiveLeaks(byte[] zip) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (content.contains(secret.substring(0, 20)) || e.getName().contains("sessions.db")
                        || (e.getName().endsWith("token-signing-key.jwk") && !content.equals(HARMLESS))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aSandboxSwappedForALinkToTheServerStateServesNothing() throws Exception {
        String id = job("set -e; d=\"$SANDGATE_SANDBOX\"; t=\"$(cd \"$d/../..\" && pwd)/state\"; cd /; "
                + "mv \"$d\" \"$d.moved\"; ln -s \"$t\" \"$d\"");
        awaitFinal(id);
        assertTrue(Files.isSymbolicLink(sandboxOf(id)), "the job swapped its sandbox");
        for (String path : List.of("/token-signing-key.jwk", "/", "/?archive=zip", "/?archive=tar.gz", "/sessions.db")) {
            HttpResponse<byte[]> r = get("/sandbox/" + id + path, "application/json");
            assertEquals(404, r.statusCode(), path + " -> " + text(r));
            assertFalse(text(r).contains("sessions.db") || text(r).contains(secret.substring(0, 20)), path + " leaked");
            assertTrue(text(r).contains("\"error\""), path + " answers JSON: " + text(r));
        }
        Https.Reply status = new Https(alice, pki.strong.certificate()).get(server.https("/api/v1/sessions/" + id));
        assertFalse(status.body().contains("token-signing-key"), "the status lists no file of the state: " + status.body());
    }

    /** Counts of one race: downloads while the job exchanges two names. */
    private record Race(int requests, int leaks, int serverErrors, int failures, int served, int notFound,
                        Map<String, Integer> failuresByKind) {
    }

    private static Race race(String id, String filePath, String listingPath, int maxRequests, Duration maxTime)
            throws Exception {
        AtomicInteger issued = new AtomicInteger();
        LongAdder leaks = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder failures = new LongAdder();
        LongAdder served = new LongAdder();
        LongAdder notFound = new LongAdder();
        Map<String, Integer> kinds = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + maxTime.toNanos();
        Https owner = new Https(alice, pki.strong.certificate());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(pool.submit(() -> {
                int n;
                while ((n = issued.incrementAndGet()) <= maxRequests && System.nanoTime() < deadline) {
                    try {
                        HttpResponse<byte[]> r;
                        boolean leaked;
                        if (n % 50 == 10) {
                            Https.Reply status = owner.get(server.https("/api/v1/sessions/" + id));
                            if (status.status() >= 500) {
                                errors.increment();
                            }
                            if (status.body().contains("sessions.db")) {
                                leaks.increment();
                                kinds.merge("status lists the state", 1, Integer::sum);
                            }
                            continue;
                        }
                        if (n % 50 == 0) {
                            r = get("/sandbox/" + id + "/?archive=zip", "*/*");
                            leaked = r.statusCode() == 200 && archiveLeaks(r.body());
                        } else if (n % 50 == 25 && listingPath != null) {
                            r = get("/sandbox/" + id + listingPath, "application/json");
                            leaked = r.statusCode() == 200 && text(r).contains("sessions.db");
                        } else {
                            r = get("/sandbox/" + id + filePath, "*/*");
                            leaked = r.statusCode() == 200 && !text(r).equals(HARMLESS);
                            if (r.statusCode() == 200 && !leaked) {
                                served.increment();
                            } else if (r.statusCode() == 404) {
                                notFound.increment();
                            }
                        }
                        if (leaked) {
                            leaks.increment();
                        }
                        if (r.statusCode() >= 500) {
                            errors.increment();
                            kinds.merge(r.statusCode() + " " + text(r), 1, Integer::sum);
                        }
                    } catch (Exception e) {
                        failures.increment();
                        kinds.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    }
                }
                return null;
            }));
        }
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        return new Race(Math.min(issued.get() - 4, maxRequests), leaks.intValue(), errors.intValue(),
                failures.intValue(), served.intValue(), notFound.intValue(), kinds);
    }

    private static void assertNoLeak(Race race) {
        System.out.println("race: " + race);
        assertEquals(0, race.leaks(), "bytes of the server's state were served: " + race);
        assertEquals(0, race.serverErrors(), "a race answered 5xx: " + race);
        assertEquals(0, race.failures(), "requests failed or hung: " + race);
        assertTrue(race.requests() >= 2000, "too few requests to mean anything: " + race);
        assertTrue(race.served() > 0 && race.notFound() > 0, "both sides of the race were seen: " + race);
    }

    @Test
    void aDirectoryOnThePathFlippedWithALinkToTheStateNeverLeaks() throws Exception {
        String id = job("set -e; cd \"$SANDGATE_SANDBOX\"; mkdir a; printf " + HARMLESS + " > a/token-signing-key.jwk; "
                + "ln -s \"$(cd ../.. && pwd)/state\" b; touch ready; exec " + racer + " a b stop");
        Path sandbox = sandboxOf(id);
        awaitFile(sandbox.resolve("ready"));
        Race race = race(id, "/a/token-signing-key.jwk", "/a/", 20_000, Duration.ofSeconds(60));
        Files.writeString(sandbox.resolve("stop"), "");
        awaitFinal(id);
        assertEquals("DONE", stateOf(id), Files.readString(sandbox.resolve("stderr")));
        assertNoLeak(race);
    }

    @Test
    void theLastComponentFlippedWithALinkToTheKeyNeverLeaksNorFails() throws Exception {
        String id = job("set -e; cd \"$SANDGATE_SANDBOX\"; printf " + HARMLESS + " > f; "
                + "ln -s \"$(cd ../.. && pwd)/state/token-signing-key.jwk\" l; touch ready; exec " + racer + " f l stop");
        Path sandbox = sandboxOf(id);
        awaitFile(sandbox.resolve("ready"));
        Race race = race(id, "/f", null, 10_000, Duration.ofSeconds(40));
        Files.writeString(sandbox.resolve("stop"), "");
        awaitFinal(id);
        assertEquals("DONE", stateOf(id), Files.readString(sandbox.resolve("stderr")));
        assertNoLeak(race);
    }

    @Test
    void fifosAreRefusedAtOnceAndBlockNothing() throws Exception {
        String id = job("set -e; cd \"$SANDGATE_SANDBOX\"; mkfifo fifo; mkdir d; mkfifo d/fifo; printf x > d/file; "
                + "printf " + HARMLESS + " > r; mkfifo q; touch ready; exec " + racer + " r q stop");
        Path sandbox = sandboxOf(id);
        awaitFile(sandbox.resolve("ready"));
        for (String path : List.of("/fifo", "/d/fifo")) {
            long began = System.nanoTime();
            HttpResponse<byte[]> r = get("/sandbox/" + id + path, "*/*");
            assertEquals(404, r.statusCode(), path);
            assertTrue(text(r).contains("\"error\""), text(r));
            assertTrue(System.nanoTime() - began < Duration.ofSeconds(2).toNanos(), path + " answered at once");
        }
        HttpResponse<byte[]> listing = get("/sandbox/" + id + "/d/", "application/json");
        assertEquals(200, listing.statusCode());
        assertTrue(text(listing).contains("\"fifo\"") && text(listing).contains("\"other\""), text(listing));
        for (String format : List.of("zip", "tar.gz")) {
            assertEquals(200, get("/sandbox/" + id + "/d/?archive=" + format, "*/*").statusCode(), format);
        }
        // the job flips a regular file with a FIFO: a check before the open would open the FIFO
        Race race = race(id, "/r", "/", 3_000, Duration.ofSeconds(40));
        Files.writeString(sandbox.resolve("stop"), "");
        awaitFinal(id);
        assertNoLeak(race);
    }

    /**
     * The job shortens and regrows its files while they are downloaded, small and large, whole and in
     * ranges: an answer may be cut short (the connection ends before the promised length), but it is
     * never a 5xx and never longer than what was promised.
     */
    @Test
    void aFileShortenedWhileItIsSentNeverAnswers5xx() throws Exception {
        String id = job("cd \"$SANDGATE_SANDBOX\"; head -c 100000 /dev/zero > small; head -c 4000000 /dev/zero > big; "
                + "touch ready; while [ ! -e stop ]; do truncate -s 0 small big; "
                + "truncate -s 100000 small; truncate -s 4000000 big; done");
        Path sandbox = sandboxOf(id);
        awaitFile(sandbox.resolve("ready"));
        int requests = 0;
        int serverErrors = 0;
        int cut = 0;
        Map<String, Integer> answers = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        try {
            for (; requests < 600 && System.nanoTime() < deadline; requests++) {
                String name = requests % 2 == 0 ? "small" : "big";
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.server.httpPort()
                        + "/sandbox/" + id + "/" + name)).timeout(Duration.ofSeconds(10));
                if (requests % 3 == 0) {
                    b.header("Range", "bytes=" + (name.equals("big") ? "3999000" : "99000") + "-");
                }
                try {
                    HttpResponse<byte[]> r = plain.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                            .get(20, TimeUnit.SECONDS);
                    answers.merge(name + " " + r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() >= 500) {
                        serverErrors++;
                    }
                    long promised = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                    assertTrue(promised < 0 || r.body().length == promised, "sent what it promised");
                } catch (java.util.concurrent.ExecutionException e) {
                    cut++;
                }
            }
        } finally {
            Files.writeString(sandbox.resolve("stop"), "");
        }
        awaitFinal(id);
        assertTrue(requests >= 100, "enough attempts: " + requests);
        assertEquals(0, serverErrors, "answers: " + answers + ", cut short: " + cut);
    }
}
