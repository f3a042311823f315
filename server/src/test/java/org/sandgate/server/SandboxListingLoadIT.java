package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Listings and archives of a big sandbox with bounded memory: a server in its own JVM with a
 * 256 MiB heap answers 20 concurrent listings of a directory of 100,000 files (each a page), pages
 * through all of them, and builds at most {@code sandbox.max_archive_builds} archives at once.
 */
@Isolated("a load test: 100,000 files, 20 concurrent listings in a small heap")
class SandboxListingLoadIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FILES = 100_000;
    private static final String SERVICE = """
            service: big
            methods:
              files:
                arguments: {}
                cost: "1"
                command: [/bin/sh, -c, "mkdir many && cd many && seq -f 'a-file-with-a-rather-long-name-%06g.dat' 1 100000 | xargs touch && cd .. && mkdir noise && head -c 67108864 /dev/urandom > noise/random.bin"]
            """;

    static Path dir;
    static Process server;
    static int httpsPort;
    static int httpPort;
    static TestPki pki;
    static String id;
    static HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("sandgate-listing");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestPki.create(dir.resolve("site"));
        pki.config("server:\n  bind: 127.0.0.1\nsandbox:\n  max_archive_builds: 1\n");
        Files.createDirectories(pki.conf.resolve("services"));
        Files.writeString(pki.conf.resolve("services/big.yaml"), SERVICE);
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        httpsPort = freePort();
        httpPort = freePort();
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of(LAUNCHER.toString(), "run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("var").toString(), "--https-port", String.valueOf(httpsPort), "--http-port",
                String.valueOf(httpPort)));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile());
        pb.environment().put("SANDGATE_JAVA_OPTS", "-Xmx256m");
        server = pb.start();
        Https https = new Https(null, pki.strong.certificate());
        String base = "https://localhost:" + httpsPort;
        for (Instant end = Instant.now().plusSeconds(60); ; Thread.sleep(200)) {
            try {
                if (https.get(URI.create(base + "/health")).status() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                assertTrue(Instant.now().isBefore(end), "server did not answer: " + Files.readString(dir.resolve("server.out")));
            }
        }
        Https.Reply created = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/services/big/files"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": {}}")).build());
        assertEquals(201, created.status(), created.body());
        id = created.json().get("session").asText();
        JsonNode s = https.get(URI.create(base + "/api/v1/sessions/" + id)).json();
        for (Instant end = Instant.now().plusSeconds(120); !List.of("DONE", "FAILED").contains(s.path("state").asText())
                && Instant.now().isBefore(end); Thread.sleep(250)) {
            s = https.get(URI.create(base + "/api/v1/sessions/" + id)).json();
        }
        assertEquals("DONE", s.path("state").asText(), s.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor();
        }
        if (dir != null) {
            Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return plain.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(60)).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString())
                .get(120, TimeUnit.SECONDS);
    }

    /** Resident memory of the server's JVM, in MiB (the launcher's java process). */
    private static long serverRssMib() throws IOException {
        ProcessHandle java = server.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElse(server.toHandle());
        for (String line : Files.readAllLines(Path.of("/proc/" + java.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    @Test
    void twentyConcurrentListingsOfOneHundredThousandFilesFitIn256MiBOfHeap() throws Exception {
        long before = serverRssMib();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String accept = i % 2 == 0 ? "application/json" : "text/html";
            String query = i % 4 < 2 ? "" : "?limit=10000";
            replies.add(pool.submit(() -> get("/sandbox/" + id + "/many/" + query, accept)));
        }
        int entries = 0;
        for (Future<HttpResponse<String>> f : replies) {
            HttpResponse<String> r = f.get(180, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body().substring(0, Math.min(300, r.body().length())));
            if (r.body().startsWith("{")) {
                entries += JSON.readTree(r.body()).get("entries").size();
            }
        }
        pool.shutdown();
        assertEquals(5 * 1000 + 5 * 10_000, entries, "every JSON page is full");
        System.out.println("server RSS before " + before + " MiB, after 20 concurrent listings " + serverRssMib() + " MiB");
        assertEquals(200, get("/sandbox/" + id + "/", "application/json").statusCode(), "the server still answers");
    }

    @Test
    void pagingWalksEveryNameOnceInOrder() throws Exception {
        Set<String> seen = new HashSet<>();
        String after = "";
        String last = "";
        int pages = 0;
        while (after != null) {
            HttpResponse<String> r = get("/sandbox/" + id + "/many/?limit=10000&after=" + after, "application/json");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = JSON.readTree(r.body());
            for (JsonNode e : page.get("entries")) {
                String name = e.get("name").asText();
                assertTrue(name.compareTo(last) > 0, name + " after " + last);
                assertTrue(seen.add(name));
                last = name;
            }
            after = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        }
        assertEquals(FILES, seen.size());
        assertEquals(10, pages);
    }

    @Test
    void archivesOverTheCapAreAnswered429WithRetryAfter() throws Exception {
        try (Socket slow = new Socket("localhost", httpPort)) {
            slow.setReceiveBufferSize(4096);
            slow.getOutputStream().write(("GET /sandbox/" + id + "/noise/?archive=zip HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = slow.getInputStream();
            byte[] first = new byte[12];
            assertEquals(12, in.readNBytes(first, 0, 12));
            assertEquals("HTTP/1.1 200", new String(first, StandardCharsets.ISO_8859_1));
            // the first archive is stuck behind a reader that reads no more: the cap (1) is taken
            HttpResponse<String> refused = get("/sandbox/" + id + "/?archive=tar.gz", "*/*");
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("5", refused.headers().firstValue("retry-after").orElse(""));
            assertEquals("too_many_archives", JSON.readTree(refused.body()).get("error").asText());
        }
        // the stalled reader is gone: the build fails on its write and gives its place back
        int status = 0;
        for (Instant end = Instant.now().plusSeconds(60); status != 200 && Instant.now().isBefore(end); ) {
            status = get("/sandbox/" + id + "/many/?archive=zip", "*/*").statusCode();
            if (status != 200) {
                Thread.sleep(500);
            }
        }
        assertEquals(200, status, "an archive is built again once the cap is free");
    }
}
