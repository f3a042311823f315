package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sandgate.server.ca.DevCa;
import org.slf4j.LoggerFactory;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/**
 * Certificates that used to turn requests into a 500 with a stack trace (an untrusted CA with a
 * trusted CA's exact subject, names past the X.500 length bounds) are refused like any other invalid
 * credential: 401 invalid_certificate with a reason, audited, one log line without a stack trace,
 * validated once per chain however often they are sent.
 */
@Isolated("reads the log of the whole test JVM")
class CertificateFailureIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static ChainBuilder.Ca longNames;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        longNames = ChainBuilder.root(ChainBuilder.name("O", "Sandgate Long", "CN", "Sandgate Long CA"));
        longNames.install(pki.trust, "/O=Sandgate Long");
        // no periodic re-read during the test: it would start a new cache generation
        pki.config(pki.baseConfig().replace("refresh_interval: 1s", "refresh_interval: 1h"));
        server = TestServer.start(pki.conf);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        server.close();
    }

    @BeforeEach
    void clearLogs() {
        logs.list.clear();
    }

    private static Https.Reply whoami(TestPki.Credential credential) throws Exception {
        return new Https(credential, pki.strong.certificate()).get(server.https("/api/v1/whoami"));
    }

    private static List<String> audit() throws Exception {
        return Files.readAllLines(dir.resolve("var/logs/audit.log"));
    }

    /** Sends the chain several times: each answer a 401 with a reason, one log line, no stack trace. */
    private static Https.Reply assertRefusedQuietly(TestPki.Credential credential, String reasonPart) throws Exception {
        Https.Reply r = null;
        for (int i = 0; i < 5; i++) {
            r = whoami(credential);
            assertEquals(401, r.status(), r.body());
            assertEquals("invalid_certificate", r.error(), r.body());
            assertFalse(r.body().contains("Exception"), r.body());
            assertTrue(r.json().path("message").asText().toLowerCase().contains(reasonPart), r.body());
        }
        List<ILoggingEvent> refusals = logs.list.stream()
                .filter(e -> e.getFormattedMessage().contains("refused certificate chain")).toList();
        assertEquals(1, refusals.size(), "validated and logged once for five requests: " + logs.list);
        assertTrue(refusals.get(0).getThrowableProxy() == null, "no stack trace for a refusal");
        assertFalse(refusals.get(0).getFormattedMessage().contains("\n"), "one line");
        assertTrue(logs.list.stream().noneMatch(e -> e.getThrowableProxy() != null),
                "no stack trace anywhere: " + logs.list);
        return r;
    }

    @Test
    void untrustedCaWithATrustedCasSubjectIsRefusedWith401() throws Exception {
        DevCa impostor = DevCa.create(TestPki.STRONG_CA, Duration.ofDays(1));
        TestPki.Credential mallory = TestPki.Credential.of(
                impostor.issueUser(impostor.namespace() + "/OU=People/CN=Impostor", Duration.ofDays(1)));
        Https.Reply r = assertRefusedQuietly(mallory, "");
        assertTrue(audit().stream().anyMatch(l -> l.contains("\"decision\":\"deny\"")
                && l.contains("invalid_certificate") && l.contains("CN=Impostor")), "audited with the claimed subject");
        assertEquals(200, whoami(pki.strongUser("Real")).status(), "the real CA's users are unaffected");
        assertTrue(r.json().path("message").asText().length() > 10, r.body());
    }

    @Test
    void selfSignedCertificateWithALongCommonNameIsRefusedWith401() throws Exception {
        String cn = "L".repeat(1000);
        TestPki.Credential longName = ChainBuilder.selfSigned(ChainBuilder.name("O", "Sandgate Test", "CN", cn));
        assertRefusedQuietly(longName, "");
        String line = audit().stream().filter(l -> l.contains("LLLLLLLL")).reduce((a, b) -> b).orElseThrow();
        assertFalse(line.contains(cn), "the claimed subject is shortened in the audit log: " + line);
    }

    @Test
    void trustedCertificateWithALongCommonNameNeverMakesA500() throws Exception {
        TestPki.Credential user = longNames.user(ChainBuilder.name("O", "Sandgate Long", "CN", "N".repeat(100)));
        Https.Reply r = whoami(user);
        assertTrue(r.status() == 200 || r.status() == 401, r.body());
        assertFalse(r.body().contains("Exception"), r.body());
        assertTrue(logs.list.stream().noneMatch(e -> e.getThrowableProxy() != null), "no stack trace: " + logs.list);
    }

    @Test
    void controlCharactersInTheClaimedSubjectAreEscapedInTheLog() throws Exception {
        TestPki.Credential forged = ChainBuilder.selfSigned(ChainBuilder.name("O", "Sandgate Test",
                "CN", "Evil\nINFO fake log line\u001b[31m"));
        assertRefusedQuietly(forged, "");
        assertTrue(logs.list.stream().noneMatch(e -> e.getFormattedMessage().contains("\nINFO fake")),
                "no forged log line: " + logs.list);
        assertTrue(audit().stream().noneMatch(l -> l.contains("\u001b")), "no raw control characters in the audit log");
    }
}
