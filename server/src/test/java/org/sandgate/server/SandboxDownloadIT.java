package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** Sandbox downloads on both ports: listings, files with ETag and ranges, and nothing outside a sandbox. */
class SandboxDownloadIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").deploy(TestPki.SLEEPY_JAR).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");

    static String id;
    static Path sandbox;

    @BeforeAll
    static void start() throws Exception {
        id = site.post(alice, "/api/v1/services/sleepy/add", "{\"args\": [0, 3, 5]}").json().get("session").asText();
        Await.value(Duration.ofSeconds(30), () -> site.get(alice, "/api/v1/sessions/" + id).json().path("state").asText(),
                "DONE"::equals);
        sandbox = SandboxPaths.of(pki.root.resolve("var"), id);
        Files.createDirectories(sandbox.resolve("results/deeper"));
        Files.writeString(sandbox.resolve("results/deeper/data.csv"), "a,b\n1,2\n");
        Files.writeString(sandbox.resolve("<img src=x onerror=alert(1)>.html"), "<script>alert(1)</script>");
        Files.createSymbolicLink(sandbox.resolve("leak"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(sandbox.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(sandbox.resolve("etcdir"), Path.of("/etc"));
        Path other = pki.root.resolve("var/sandboxes").resolve("f".repeat(32));
        Files.createDirectories(other);
        Files.writeString(other.resolve("secret"), "root: another session's file");
        Files.createSymbolicLink(sandbox.resolve("inside"), Path.of("results/deeper/data.csv"));
    }

    /** A raw request on the plain-HTTP port, so no client normalises the path first. */
    private static String raw(String path, String... headers) throws Exception {
        try (Socket s = new Socket("localhost", site.server().server.httpPort())) {
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
            for (String h : headers) {
                req.append(h).append("\r\n");
            }
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void filesAreServedOnBothPorts() throws Exception {
        Https.Reply https = site.as(null).get(site.server().https("/sandbox/" + id + "/stdout"));
        assertEquals(200, https.status());
        assertEquals("sleepyadd 3 + 5 = 8\n", https.body());
        String plain = raw("/sandbox/" + id + "/stdout");
        assertTrue(plain.startsWith("HTTP/1.1 200"), plain);
        assertTrue(plain.endsWith("sleepyadd 3 + 5 = 8\n"), plain);
        assertTrue(raw("/sandbox/" + id + "/results/deeper/data.csv").endsWith("a,b\n1,2\n"));
        assertTrue(raw("/sandbox/" + id + "/inside").startsWith("HTTP/1.1 404"), "a link is never followed, not even inside");
    }

    @Test
    void directoriesAreListedAsJsonOrHtml() throws Exception {
        Https.Reply json = site.as(null).get(site.server().https("/sandbox/" + id + "/"));
        assertEquals(200, json.status(), json.body());
        List<String> names = new ArrayList<>();
        json.json().get("entries").forEach(e -> names.add(e.get("name").asText()));
        assertTrue(names.containsAll(List.of("stdout", "stderr", "results")), names.toString());
        assertTrue(json.body().endsWith("}\n"), "a JSON listing ends with a newline like every JSON answer");
        String html = raw("/sandbox/" + id + "/", "Accept: text/html");
        assertTrue(html.contains("Content-Type: text/html"), html);
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;.html"), "names are escaped");
        assertFalse(html.contains("<img src=x"), html);
    }

    @Test
    void jsonListingsComeInPagesInNameOrder() throws Exception {
        Path many = sandbox.resolve("many");
        Files.createDirectories(many);
        for (int i = 0; i < 25; i++) {
            Files.writeString(many.resolve(String.format("n%02d", i)), "");
        }
        Https anonymous = site.as(null);
        List<String> names = new ArrayList<>();
        String after = "";
        int pages = 0;
        while (after != null) {
            Https.Reply page = anonymous.get(site.server().https("/sandbox/" + id + "/many/?limit=10&after=" + after));
            assertEquals(200, page.status(), page.body());
            page.json().get("entries").forEach(e -> names.add(e.get("name").asText()));
            after = page.json().get("next").isNull() ? null : page.json().get("next").asText();
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(25, names.size());
        assertEquals(names.stream().sorted().toList(), names);
        for (String bad : List.of("0", "10001", "x", "-1")) {
            Https.Reply r = anonymous.get(site.server().https("/sandbox/" + id + "/many/?limit=" + bad));
            assertEquals(400, r.status(), bad);
            assertEquals("invalid_argument", r.json().get("error").asText());
        }
        String html = raw("/sandbox/" + id + "/many/?limit=10", "Accept: text/html");
        assertTrue(html.contains("?limit=10&amp;after=n09"), "an HTML page links to the next: " + html);
    }

    @Test
    void headOfAListingSaysItsRealLength() throws Exception {
        for (String accept : List.of("application/json", "text/html")) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> get = client.send(HttpRequest.newBuilder(
                    site.server().http("/sandbox/" + id + "/")).header("Accept", accept).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            java.net.http.HttpResponse<String> head = client.send(HttpRequest.newBuilder(
                    site.server().http("/sandbox/" + id + "/")).header("Accept", accept)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length),
                    head.headers().firstValue("content-length").orElse("none"), accept);
        }
        String archive = rawHead("/sandbox/" + id + "/?archive=zip");
        assertTrue(archive.startsWith("HTTP/1.1 200"), archive);
        assertFalse(archive.toLowerCase(java.util.Locale.ROOT).contains("content-length: 0"), archive);
    }

    private static String rawHead(String path) throws Exception {
        try (Socket s = new Socket("localhost", site.server().server.httpPort())) {
            s.getOutputStream().write(("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void activeContentIsNeverServedAsSuch() throws Exception {
        Files.writeString(sandbox.resolve("page.html"), "<script>alert(1)</script>");
        String page = raw("/sandbox/" + id + "/page.html");
        assertTrue(page.contains("Content-Type: application/octet-stream"), page);
        assertTrue(page.contains("Content-Security-Policy: sandbox"), page);
        assertTrue(page.contains("X-Content-Type-Options: nosniff"), page);
    }

    @Test
    void etagsAndRangesWork() throws Exception {
        String full = raw("/sandbox/" + id + "/stdout");
        String etag = full.lines().filter(l -> l.startsWith("ETag: ")).findFirst().orElseThrow().substring(6);
        assertTrue(raw("/sandbox/" + id + "/stdout", "If-None-Match: " + etag).startsWith("HTTP/1.1 304"));
        String part = raw("/sandbox/" + id + "/stdout", "Range: bytes=0-8");
        assertTrue(part.startsWith("HTTP/1.1 206"), part);
        assertTrue(part.contains("Content-Range: bytes 0-8/20"), part);
        assertTrue(part.endsWith("\r\n\r\nsleepyadd"), part);
        assertTrue(raw("/sandbox/" + id + "/stdout", "Range: bytes=-2").endsWith("8\n"));
        assertTrue(raw("/sandbox/" + id + "/stdout", "Range: bytes=500-").startsWith("HTTP/1.1 416"));
        // a suffix longer than the file is the whole file (RFC 9110, 14.1.2), even past a long's digits
        String suffix = raw("/sandbox/" + id + "/stdout", "Range: bytes=-99999999999999999999");
        assertTrue(suffix.startsWith("HTTP/1.1 206") && suffix.contains("Content-Range: bytes 0-19/20"), suffix);
        // a resumed download of a file that changed since gets the whole new file, not a splice of two versions
        String stale = raw("/sandbox/" + id + "/stdout", "Range: bytes=0-8", "If-Range: \"old-version\"");
        assertTrue(stale.startsWith("HTTP/1.1 200") && stale.endsWith(full.substring(full.indexOf("\r\n\r\n"))), stale);
        String current = raw("/sandbox/" + id + "/stdout", "Range: bytes=0-8", "If-Range: " + etag);
        assertTrue(current.startsWith("HTTP/1.1 206"), current);
    }

    @Test
    void nothingOutsideASandboxIsEverServed() throws Exception {
        String[] paths = {
            "/sandbox/" + id + "/../../../../etc/passwd",
            "/sandbox/" + id + "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/sandbox/" + id + "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
            "/sandbox/" + id + "/%252e%252e/%252e%252e/etc/passwd",
            "/sandbox/" + id + "/..%5c..%5cetc%5cpasswd",
            "/sandbox/" + id + "/%00",
            "/sandbox/" + id + "/stdout%00.txt",
            "/sandbox/" + id + "//etc/passwd",
            "/sandbox/" + id + "/leak",
            "/sandbox/" + id + "/up/",
            "/sandbox/" + id + "/up/" + "f".repeat(32) + "/secret",
            "/sandbox/" + id + "/etcdir/passwd",
            "/sandbox/",
            "/sandbox/not-an-id/",
            "/sandbox/" + "0".repeat(32) + "/",
            "/sandbox/" + id.toUpperCase() + "/stdout",
        };
        for (String path : paths) {
            String r = raw(path);
            assertTrue(r.startsWith("HTTP/1.1 404") || r.startsWith("HTTP/1.1 400"), path + " -> " + r);
            assertFalse(r.contains("root:"), path + " leaked /etc/passwd");
        }
        String unknown = raw("/sandbox/" + "0".repeat(32) + "/stdout");
        String malformed = raw("/sandbox/xyz/stdout");
        assertEquals(body(unknown), body(malformed), "unknown and ill-formed ids get the same answer");
    }

    private static java.util.Map<String, String> archive(String format) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(Https.sslContext(null, pki.strong.certificate())).build();
        java.net.http.HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(
                site.server().https("/sandbox/" + id + "/?archive=" + format)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-disposition").orElse("").contains(id + "." + format));
        java.util.Map<String, String> entries = new java.util.TreeMap<>();
        if (format.equals("zip")) {
            try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
                    new java.io.ByteArrayInputStream(r.body()))) {
                for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    entries.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } else {
            try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
                         new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                                 new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body())))) {
                for (org.apache.commons.compress.archivers.tar.TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                    entries.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }

    @Test
    void theWholeSandboxComesAsOneArchiveWithoutItsLinks() throws Exception {
        for (String format : List.of("zip", "tar.gz")) {
            java.util.Map<String, String> entries = archive(format);
            assertEquals("sleepyadd 3 + 5 = 8\n", entries.get("stdout"), format + " " + entries.keySet());
            assertEquals("a,b\n1,2\n", entries.get("results/deeper/data.csv"), format);
            for (String link : List.of("leak", "up", "etcdir", "inside")) {
                assertFalse(entries.containsKey(link) || entries.containsKey(link + "/"), format + " holds " + link);
            }
            assertFalse(entries.values().stream().anyMatch(v -> v.contains("root:x:")), format);
        }
        String unknown = raw("/sandbox/" + id + "/?archive=rar");
        assertTrue(unknown.startsWith("HTTP/1.1 400"), unknown);
    }

    @Test
    void onlyReadsAreAllowed() throws Exception {
        Https.Reply r = site.as(alice).send(HttpRequest.newBuilder(
                site.server().https("/sandbox/" + id + "/stdout")).DELETE().build());
        assertEquals(405, r.status());
        assertTrue(Files.exists(sandbox.resolve("stdout")));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n"));
    }
}
