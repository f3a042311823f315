package org.sandgate.server;

import org.sandgate.server.api.Callers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;
import org.sandgate.server.testkit.Tools;

/** Every error a client can provoke is JSON with a code and a message, and nothing internal leaks. */
class ErrorHandlingIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").unmappedUser("Carol")
            .config(s -> "developers:\n  - \"" + s.dn("Alice") + "\"\nservices:\n  max_upload_bytes: 4194304\n")
            .before(s -> s.user("Alice").write(s.dir().resolve("alice"))).api(new Probe()).build();
    static final TestPki pki = site.pki();
    static final java.nio.file.Path dir = site.dir();
    static final TestPki.Credential alice = site.user("Alice");
    static final TestPki.Credential carol = site.user("Carol");

    /** Endpoints that exist only in this test: one needs an account, one fails inside. */
    @Path(org.sandgate.server.api.ApiPaths.V1 + "/probe")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Probe {
        @GET
        @Path("account")
        public Map<String, String> account(@Context SecurityContext security) {
            return Map.of("account", org.sandgate.server.api.Callers.of(security).requireAccount());
        }

        @GET
        @Path("boom")
        public Map<String, String> boom() {
            throw new IllegalStateException("secret internal detail at /etc/sandgate/hostkey.pem");
        }
    }

    private static Https client(TestPki.Credential c) throws Exception {
        return site.as(c);
    }

    private static void assertJsonError(Https.Reply r, int status, String code) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.error(), r.body());
        assertTrue(r.json().path("message").isTextual(), r.body());
        assertTrue(r.raw().headers().firstValue("content-type").orElse("").startsWith("application/json"));
        assertTrue(r.body().endsWith("}\n"), "no trailing newline: " + r.body());
    }

    @Test
    void unknownApiPathIsA404InJson() throws Exception {
        assertJsonError(client(alice).get(site.server().https("/api/v1/nothing-here")), 404, "not_found");
    }

    @Test
    void unknownPathOutsideTheApiIsA404InJson() throws Exception {
        assertJsonError(client(alice).get(site.server().https("/etc/passwd")), 404, "not_found");
        assertJsonError(client(alice).get(site.server().https("/api/v1/no-such-thing")), 404, "not_found");
    }

    @Test
    void wrongMethodIsA405InJson() throws Exception {
        Https.Reply r = client(alice).send(HttpRequest.newBuilder(site.server().https("/api/v1/whoami"))
                .DELETE().build());
        assertJsonError(r, 405, "method_not_allowed");
    }

    @Test
    void bodyOverTheLimitIsA413InJsonBeforeItIsRead() throws Exception {
        javax.net.ssl.SSLSocketFactory factory = Https.sslContext(alice, pki.strong.certificate()).getSocketFactory();
        try (Socket s = factory.createSocket("localhost", site.server().server.httpsPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/whoami HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2097152\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
            assertTrue(response.contains("\"error\":\"request_too_large\""), response);
            assertTrue(response.endsWith("}\n"), response);
        }
    }

    /** curl as Alice, sending {@code bytes} zeros chunked; the status it got. */
    private static String curlChunked(String method, String path, String type, int bytes) throws Exception {
        Tools.require("curl");
        java.nio.file.Path body = dir.resolve("body-" + bytes);
        if (!java.nio.file.Files.exists(body)) {
            java.nio.file.Files.write(body, new byte[bytes]);
        }
        Tools.Result r = null;
        // the server answers 413 and closes while curl may still be sending: curl then fails with a
        // send error (55) before it reads the answer, a race of the client's; try again then
        for (int attempt = 0; attempt < 5 && (r == null || r.exit() == 55); attempt++) {
            r = Tools.run(dir, null, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
                    dir.resolve("ca-strong/ca.pem").toString(), "--cert", dir.resolve("alice/usercert.pem").toString(),
                    "--key", dir.resolve("alice/userkey.pem").toString(), "-X", method, "-H", "Transfer-Encoding: chunked",
                    "-H", "Content-Type: " + type, "-H", "Expect:", "--data-binary", "@" + body, site.server().https(path).toString());
        }
        return r.out().strip() + " " + r;
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413NotA500() throws Exception {
        // a little over each limit, so that curl has mostly sent its body when the answer comes
        String small = curlChunked("POST", "/api/v1/tokens", "application/json", 1024 * 1024 + 64 * 1024);
        assertTrue(small.startsWith("413 "), small);
        String upload = curlChunked("PUT", "/api/v1/admin/services/too.big", "application/java-archive",
                4 * 1024 * 1024 + 64 * 1024);
        assertTrue(upload.startsWith("413 "), upload);
        String calls = curlChunked("POST", "/api/v1/services/none/such", "application/json", 1024 * 1024 + 128 * 1024);
        assertTrue(calls.startsWith("413 "), calls);
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnsweredInJsonBeforeItIsAllSent() throws Exception {
        javax.net.ssl.SSLSocketFactory factory = Https.sslContext(alice, pki.strong.certificate()).getSocketFactory();
        try (Socket s = factory.createSocket("localhost", site.server().server.httpsPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/tokens HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // read while sending: the server answers and closes as soon as the limit is passed
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
                try {
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[4096];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        got.write(buffer, 0, n);
                    }
                } catch (java.io.IOException e) {
                    // the connection ends with the answer
                }
                return got.toString(StandardCharsets.ISO_8859_1);
            });
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try {
                for (int i = 0; i < 20; i++) { // 1.25 MiB, more than the limit; the rest is never sent
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
            } catch (java.io.IOException closed) {
                // the server stopped reading: that is the point
            }
            String response = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
            assertTrue(response.contains("\"error\":\"request_too_large\""), response);
        }
    }

    /** Sends a raw HTTPS request as Alice and reads the whole answer (the server closes or times out). */
    private static String rawHttps(String request, int timeoutMillis) throws Exception {
        javax.net.ssl.SSLSocketFactory factory = Https.sslContext(alice, pki.strong.certificate()).getSocketFactory();
        try (Socket s = factory.createSocket("localhost", site.server().server.httpsPort())) {
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try {
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    got.write(buffer, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).endsWith("}\n")) {
                        break;
                    }
                }
            } catch (java.io.IOException ended) {
                // the connection ends with the answer
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aBodyThatStallsIsA408NotA500() throws Exception {
        // the body promises 100 bytes and sends 7: the server's idle timeout ends the wait
        String response = rawHttps("POST /api/v1/services/none/such HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"args\"", 90_000);
        assertTrue(response.isEmpty() || response.startsWith("HTTP/1.1 408"), response);
        assertFalse(response.contains("internal_error") || response.contains("correlation_id"), response);
    }

    @Test
    void anUnknownHttpVersionIsAClientErrorWithoutACorrelationId() throws Exception {
        for (int port : new int[] {site.server().server.httpPort()}) {
            try (Socket s = new Socket("localhost", port)) {
                s.getOutputStream().write("GET /sandbox/x HTTP/9.9\r\nHost: l\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(response.startsWith("HTTP/1.1 505"), response);
                assertTrue(response.contains("\"error\":\"http_version_not_supported\""), response);
                assertFalse(response.contains("correlation_id"), response);
            }
        }
        String tls = rawHttps("GET /api/v1/whoami HTTP/9.9\r\nHost: l\r\n\r\n", 20_000);
        assertTrue(tls.startsWith("HTTP/1.1 505") && !tls.contains("correlation_id"), tls);
    }

    @Test
    void aBodyInACodingTheServerDoesNotDecodeIsRefusedBeforeItIsRead() throws Exception {
        String chunk = "{\"args\": []}";
        String gzipThenChunked = rawHttps("POST /api/v1/services/none/such HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n", 20_000);
        assertTrue(gzipThenChunked.startsWith("HTTP/1.1 501"), gzipThenChunked);
        assertTrue(gzipThenChunked.contains("\"error\":\"not_implemented\""), gzipThenChunked);
        String gzipped = rawHttps("POST /api/v1/services/none/such HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + chunk.length()
                + "\r\n\r\n" + chunk, 20_000);
        assertTrue(gzipped.startsWith("HTTP/1.1 415"), gzipped);
        String plainChunked = rawHttps("POST /api/v1/services/none/such HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n", 20_000);
        assertTrue(plainChunked.startsWith("HTTP/1.1 404"), plainChunked);
    }

    @Test
    void anUploadUnderItsLimitButOverTheRequestLimitStillArrives() throws Exception {
        String upload = curlChunked("PUT", "/api/v1/admin/services/big.enough", "application/java-archive", 2 * 1024 * 1024);
        assertTrue(upload.startsWith("422 "), "read whole and refused as no jar, not as too large: " + upload);
    }

    @Test
    void internalFailureIsA500WithACorrelationIdAndNoInternals() throws Exception {
        Https.Reply r = client(alice).get(site.server().https("/api/v1/probe/boom"));
        assertJsonError(r, 500, "internal_error");
        assertTrue(r.json().path("correlation_id").asText().matches("[0-9a-f-]{36}"), r.body());
        assertFalse(r.body().contains("secret") || r.body().contains("Exception") || r.body().contains("hostkey"),
                r.body());
    }

    @Test
    void callerWithoutAnAccountIsForbiddenWhereAnAccountIsNeeded() throws Exception {
        assertJsonError(client(carol).get(site.server().https("/api/v1/probe/account")), 403, "not_authorized");
        Https.Reply ok = client(alice).get(site.server().https("/api/v1/probe/account"));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("alice", ok.json().get("account").asText());
    }

    @Test
    void healthAnswersWithoutAuthentication() throws Exception {
        Https.Reply r = client(null).get(site.server().https("/health"));
        assertEquals(200, r.status());
        assertEquals("ok", r.json().get("status").asText());
    }

    @Test
    void plainHttpPortServesNothingButSandboxes() throws Exception {
        for (String path : new String[] {"/health", "/api/v1/whoami", "/sandbox/", "/"}) {
            Https.Reply r = client(null).get(site.server().http(path));
            assertJsonError(r, 404, "not_found");
        }
    }

    @Test
    void malformedRequestIsA400InJson() throws Exception {
        try (Socket s = new Socket("localhost", site.server().server.httpPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /sandbox/\u0001bad HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.contains("\"error\":\"bad_request\""), response);
            assertTrue(response.endsWith("}\n"), response);
        }
    }

    @Test
    void everyJsonAnswerEndsWithOneNewline() throws Exception {
        Https https = client(alice);
        for (String path : new String[] {"/api/v1/whoami", "/health", "/api/v1/services", "/api/v1/sessions",
                "/api/v1/probe/account"}) {
            Https.Reply r = https.get(site.server().https(path));
            assertEquals(200, r.status(), path + ": " + r.body());
            assertTrue(r.body().endsWith("}\n") && !r.body().endsWith("\n\n"), path + ": " + r.body());
            assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                    r.raw().headers().firstValue("content-length").orElse("none"), path);
        }
    }

    @Test
    void jsonAnswersCarryAContentLengthSoHttp10ClientsKeepTheirConnection() throws Exception {
        Https.Reply r = client(alice).get(site.server().https("/api/v1/whoami"));
        assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                r.raw().headers().firstValue("content-length").orElse("none"));
    }

    @Test
    void serverHeaderDoesNotAdvertiseTheVersion() throws Exception {
        Https.Reply r = client(alice).get(site.server().https("/api/v1/whoami"));
        assertTrue(r.raw().headers().firstValue("server").isEmpty(), r.raw().headers().toString());
    }

    @Test
    void anonymousRequestsAreRefusedWhenAnonymousIsOff() throws Exception {
        java.nio.file.Path other = dir.resolve("closed");
        TestPki closed = TestPki.create(other);
        closed.config("anonymous: false\n");
        try (TestServer s = TestServer.start(closed.conf)) {
            Https anonymous = new Https(null, closed.strong.certificate());
            assertJsonError(anonymous.get(s.https("/api/v1/whoami")), 401, "certificate_required");
            assertEquals(200, anonymous.get(s.https("/health")).status());
            Https.Reply r = new Https(closed.strongUser("Dora"), closed.strong.certificate())
                    .get(s.https("/api/v1/whoami"));
            assertEquals(200, r.status(), r.body());
        }
    }

}
