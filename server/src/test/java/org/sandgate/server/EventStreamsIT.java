package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;

/**
 * Event streams hold no thread: hundreds of anonymous streams (the attack that used to take every
 * thread of the pool) leave {@code whoami} and service calls answering at once, and each caller's
 * streams are capped.
 */
@Isolated("times answers while hundreds of streams are open")
class EventStreamsIT {
    private static final int STREAMS = 320;

    @RegisterExtension
    static final Site site = Site.with().deploy(TestPki.ECHO_JAR).deploy(TestPki.SLEEPY_JAR)
            .config("limits:\n  event_streams:\n    anonymous: " + STREAMS + "\n").build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();

    private static Https anonymous() throws Exception {
        return site.as(null);
    }

    private static String launch(int seconds) throws Exception {
        Https.Reply r = anonymous().send(HttpRequest.newBuilder(site.server().https("/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [" + seconds + ", 1, 2]}")).build());
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    /** Opens an event stream on a raw TLS socket and reads up to its first event (or its refusal). */
    private static Socket openStream(SSLSocketFactory tls, String id, StringBuilder seen) throws IOException {
        Socket s = tls.createSocket("localhost", site.server().server.httpsPort());
        s.setSoTimeout(20_000);
        s.getOutputStream().write(("GET /api/v1/sessions/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains("event: state") && !seen.toString().contains("\r\n\r\n{")) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return s;
    }

    private static long millis(Runnable what) {
        long t0 = System.nanoTime();
        what.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void hundredsOfAnonymousStreamsLeaveTheServerAnsweringAndTheCapRefusesOneMore() throws Exception {
        List<String> ids = List.of(launch(50), launch(50), launch(50));
        SSLSocketFactory tls = Https.sslContext(null, pki.strong.certificate()).getSocketFactory();
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                StringBuilder seen = new StringBuilder();
                streams.add(openStream(tls, ids.get(i % ids.size()), seen));
                assertTrue(seen.toString().startsWith("HTTP/1.1 200") && seen.toString().contains("event: state"),
                        "stream " + i + ": " + seen);
            }
            Https client = anonymous();
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                long took = millis(() -> {
                    try {
                        assertEquals(200, client.get(site.server().https("/api/v1/whoami")).status());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                slowest = Math.max(slowest, took);
            }
            assertTrue(slowest < 1000, "whoami took " + slowest + " ms with " + STREAMS + " streams open");
            long call = millis(() -> {
                try {
                    Https.Reply r = client.send(HttpRequest.newBuilder(site.server().https("/api/v1/services/echo/echo"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"still here\"]}")).build());
                    assertEquals(200, r.status(), r.body());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(call < 2000, "a service call took " + call + " ms with " + STREAMS + " streams open");

            StringBuilder refused = new StringBuilder();
            try (Socket oneMore = openStream(tls, ids.get(0), refused)) {
                assertTrue(refused.toString().startsWith("HTTP/1.1 429"), refused.toString());
                assertTrue(refused.toString().contains("\"error\":\"too_many_streams\""), refused.toString());
            }
        } finally {
            for (Socket s : streams) {
                s.setSoLinger(true, 0); // a client that vanishes: a reset, no goodbye
                s.close();
            }
        }
        // the server finds the vanished clients at its next heartbeat and gives their slots back
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(40);
        StringBuilder again = new StringBuilder();
        while (java.time.Instant.now().isBefore(deadline)) {
            again.setLength(0);
            try (Socket s = openStream(tls, ids.get(0), again)) {
                if (again.toString().startsWith("HTTP/1.1 200")) {
                    break;
                }
            }
            Thread.sleep(500);
        }
        assertTrue(again.toString().startsWith("HTTP/1.1 200"), "slots given back: " + again);
        for (String id : ids) {
            anonymous().send(HttpRequest.newBuilder(site.server().https("/api/v1/sessions/" + id)).DELETE().build());
        }
    }
}
