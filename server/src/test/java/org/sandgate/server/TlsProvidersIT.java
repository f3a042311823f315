package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;
import org.sandgate.server.testkit.Tools;

/**
 * The two TLS implementations of the HTTPS connector ({@code tls.provider}): the same identities
 * from the same credentials, and no client left waiting after the handshake.
 */
@Isolated("times the first answer after each handshake")
class TlsProvidersIT {
    @TempDir
    Path dir;

    private TestPki pki;
    private TestPki.Credential alice;

    private TestServer start(String provider) throws Exception {
        pki = TestPki.create(dir);
        alice = pki.strongUser("Alice");
        pki.map(alice.dn(), "alice");
        pki.config(pki.baseConfig() + "  provider: " + provider + "\n");
        return TestServer.start(pki.conf);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void certificatesProxiesAndAnonymousCallersAreSeenAlike(String provider) throws Exception {
        try (TestServer server = start(provider)) {
            Https.Reply user = new Https(alice, pki.strong.certificate()).get(server.https("/api/v1/whoami"));
            assertEquals(200, user.status(), user.body());
            assertEquals(alice.dn(), user.json().path("dn").asText());
            assertEquals("alice", user.json().path("account").asText());

            Https.Reply proxy = new Https(Proxies.rfc(alice), pki.strong.certificate()).get(server.https("/api/v1/whoami"));
            assertEquals(200, proxy.status(), proxy.body());
            assertEquals(alice.dn(), proxy.json().path("dn").asText());
            assertTrue(proxy.json().path("proxy").asBoolean());

            Https.Reply anonymous = new Https(null, pki.strong.certificate()).get(server.https("/api/v1/whoami"));
            assertEquals(200, anonymous.status(), anonymous.body());
            assertEquals("anonymous", anonymous.json().path("tier").asText());
        }
    }

    /**
     * A client that writes its request as a second small segment, without {@code TCP_NODELAY}, right
     * after its handshake (OpenSSL through Python's {@code ssl}, as ApacheBench and many C clients
     * do): Nagle holds the request until the server acknowledges the client's last handshake flight.
     * A server that neither answers nor acknowledges at once costs every new connection the kernel's
     * delayed-ACK time (40 ms) — what BoringSSL's deferred session tickets did before the connector
     * acknowledged at the end of the handshake.
     */
    @ParameterizedTest
    @ValueSource(strings = {"conscrypt", "jdk"})
    void aRequestSentRightAfterTheHandshakeIsNotHeldBack(String provider) throws Exception {
        Tools.require("python3");
        try (TestServer server = start(provider)) {
            Path cert = dir.resolve("alice-cert.pem");
            Path key = dir.resolve("alice-key.pem");
            new org.sandgate.server.ca.IssuedCredential(alice.chain()[0], alice.key()).write(cert, key);
            String script = """
                    import socket, ssl, sys, time
                    port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
                    context = ssl.create_default_context(cafile=ca)
                    context.minimum_version = ssl.TLSVersion.TLSv1_3
                    context.load_cert_chain(cert, key)
                    times = []
                    for _ in range(15):
                        raw = socket.create_connection(("localhost", port))
                        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
                        tls = context.wrap_socket(raw, server_hostname="localhost")
                        start = time.monotonic()
                        tls.sendall(b"GET /api/v1/whoami HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
                        answer = b""
                        while True:
                            chunk = tls.recv(65536)
                            if not chunk:
                                break
                            answer += chunk
                        times.append(round((time.monotonic() - start) * 1000))
                        tls.close()
                        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
                    print(" ".join(str(t) for t in sorted(times)))
                    """;
            Tools.Result r = Tools.run(dir, null, "python3", "-c", script, String.valueOf(server.server.httpsPort()),
                    dir.resolve("ca-strong/ca.pem").toString(), cert.toString(), key.toString());
            assertEquals(0, r.exit(), r.toString());
            List<Long> millis = java.util.Arrays.stream(r.out().strip().split(" ")).map(Long::valueOf).toList();
            long median = millis.get(millis.size() / 2);
            assertTrue(median < 30, "request to answer after the handshake, sorted (ms): " + millis);
        }
    }
}
