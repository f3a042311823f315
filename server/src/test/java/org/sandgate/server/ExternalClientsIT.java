package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sandgate.server.ca.IssuedCredential;
import org.sandgate.server.testkit.Site;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/** The server driven by the real clients of the field: curl, openssl s_client and Globus grid-proxy-init. */
class ExternalClientsIT {
    @RegisterExtension
    static final Site site = Site.with().user("Alice").before(s -> s.user("Alice").write(s.dir().resolve("alice"))).build();
    static final TestPki pki = site.pki();
    static final Path dir = site.dir();
    static final String aliceDn = site.dn("Alice");
    static final Path caFile = dir.resolve("ca-strong/ca.pem");
    static final Path aliceCert = dir.resolve("alice/usercert.pem");
    static final Path aliceKey = dir.resolve("alice/userkey.pem");

    private static final ObjectMapper JSON = new ObjectMapper();


    private static String url(String path) {
        return site.server().https(path).toString();
    }

    private static JsonNode curlJson(String... extra) throws Exception {
        String[] argv = new String[extra.length + 5];
        argv[0] = "curl";
        argv[1] = "-sS";
        argv[2] = "--cacert";
        argv[3] = caFile.toString();
        System.arraycopy(extra, 0, argv, 4, extra.length);
        argv[argv.length - 1] = url("/api/v1/whoami");
        Tools.Result r = Tools.run(dir, null, argv);
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    @Test
    void curlWithAUserCertificate() throws Exception {
        Tools.require("curl");
        JsonNode j = curlJson("--cert", aliceCert.toString(), "--key", aliceKey.toString());
        assertEquals(aliceDn, j.get("dn").asText());
        assertEquals("strong", j.get("tier").asText());
        assertEquals("alice", j.get("account").asText());
    }

    @Test
    void curlWithoutACertificateIsAnonymous() throws Exception {
        Tools.require("curl");
        assertEquals("anonymous", curlJson().get("tier").asText());
    }

    @Test
    void curlWithAnExpiredCertificateGetsAJson401() throws Exception {
        Tools.require("curl");
        IssuedCredential old = pki.strong.issueUser(pki.strong.namespace() + "/OU=People/CN=Old",
                Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1)));
        old.write(dir.resolve("old/usercert.pem"), dir.resolve("old/userkey.pem"));
        Tools.Result r = Tools.run(dir, null, "curl", "-sS", "-w", "\n%{http_code}", "--cacert", caFile.toString(),
                "--cert", "old/usercert.pem", "--key", "old/userkey.pem", url("/api/v1/whoami"));
        assertTrue(r.out().endsWith("\n401"), r.toString());
        assertTrue(r.out().contains("\"error\":\"invalid_certificate\"") && r.out().contains("expired"), r.toString());
    }

    @Test
    void curlVerifiesTheHostCertificateAndRefusesAnUnknownCa() throws Exception {
        Tools.require("curl");
        Tools.Result r = Tools.run(dir, null, "curl", "-sS", "--cacert", dir.resolve("ca-weak/ca.pem").toString(),
                url("/health"));
        assertEquals(60, r.exit(), "curl exit 60: peer certificate cannot be authenticated\n" + r);
    }

    @Test
    void opensslSClientSeesTheTrustAnchorsAsAcceptableClientCas() throws Exception {
        Tools.require("openssl");
        Tools.Result r = Tools.run(dir, "", "openssl", "s_client", "-connect", "localhost:" + site.server().server.httpsPort(),
                "-servername", "localhost", "-CAfile", caFile.toString(), "-verify_return_error");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("Acceptable client certificate CA names"), r.out());
        assertTrue(r.out().contains("CN = Sandgate Test CA") && r.out().contains("CN = Sandgate Test Weak CA"), r.out());
        assertTrue(r.out().contains("Verify return code: 0 (ok)"), r.out());
    }

    @Test
    void opensslSClientWithAClientCertificateCallsWhoami() throws Exception {
        Tools.require("openssl");
        String request = "GET /api/v1/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        Tools.Result r = Tools.run(dir, request, "openssl", "s_client", "-quiet", "-ign_eof",
                "-connect", "localhost:" + site.server().server.httpsPort(), "-servername", "localhost",
                "-CAfile", caFile.toString(), "-cert", aliceCert.toString(), "-key", aliceKey.toString());
        assertTrue(r.out().startsWith("HTTP/1.1 200"), r.toString());
        assertTrue(r.out().contains("\"tier\":\"strong\"") && r.out().contains("\"account\":\"alice\""), r.out());
    }

    @Test
    void proxiesMadeByGridProxyInitAreAccepted() throws Exception {
        Tools.require("grid-proxy-init");
        Tools.require("curl");
        record Kind(String flag, String type, boolean limited) {
        }
        for (Kind kind : new Kind[] {new Kind("-rfc", "rfc3820", false), new Kind("-old", "legacy", false),
                                     new Kind("-limited", "rfc3820", true)}) {
            Path proxy = dir.resolve("x509up" + kind.flag());
            Tools.Result made = Tools.run(dir, null, "grid-proxy-init", "-q", kind.flag(), "-valid", "1:00",
                    "-cert", aliceCert.toString(), "-key", aliceKey.toString(), "-out", proxy.toString());
            assertEquals(0, made.exit(), made.toString());
            JsonNode j = curlJson("--cert", proxy.toString(), "--key", proxy.toString());
            assertEquals(aliceDn, j.get("dn").asText(), kind + " " + j);
            assertTrue(j.get("proxy").asBoolean(), j.toString());
            assertEquals(kind.type(), j.get("proxy_type").asText(), j.toString());
            assertEquals(kind.limited(), j.get("proxy_limited").asBoolean(), j.toString());
            assertEquals("alice", j.get("account").asText());
            Instant expires = Instant.parse(j.get("expires").asText());
            assertTrue(expires.isBefore(Instant.now().plus(Duration.ofMinutes(61))), j.toString());
        }
    }

    @Test
    void gridProxyInfoAgreesAboutTheProxyTheServerAccepted() throws Exception {
        Tools.require("grid-proxy-init");
        Tools.require("grid-proxy-info");
        Path proxy = dir.resolve("x509up_info");
        assertEquals(0, Tools.run(dir, null, "grid-proxy-init", "-q", "-cert", aliceCert.toString(), "-key",
                aliceKey.toString(), "-out", proxy.toString()).exit());
        Tools.Result info = Tools.run(dir, null, "grid-proxy-info", "-file", proxy.toString(), "-identity");
        assertEquals(aliceDn, info.out().strip(), info.toString());
    }
}
