package org.sandgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.SandgateServer;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.ca.GridMapLines;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;

/** {@code bin/sandgate} as a user runs it, against a real server, with grid credential conventions. */
class CommandLineIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static SandgateServer server;
    static DevCa ca;
    static String url;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        Path conf = dir.resolve("conf");
        ca = DevCa.create("/O=Client Test/CN=Client Test CA", Duration.ofDays(1));
        ca.save(dir.resolve("ca"));
        ca.install(conf.resolve("certificates"), dir.resolve("ca"));
        ca.issueHost("localhost", List.of("127.0.0.1"), Duration.ofDays(1))
                .write(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"));
        ca.issueUser("/O=Client Test/CN=Uma", Duration.ofDays(1))
                .write(dir.resolve("uma/usercert.pem"), dir.resolve("uma/userkey.pem"));
        ca.issueUser("/O=Client Test/CN=Old", Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))
                .write(dir.resolve("old/usercert.pem"), dir.resolve("old/userkey.pem"));
        GridMapLines.add(conf.resolve("grid-mapfile"), "/O=Client Test/CN=Uma", List.of("uma"));
        Files.createDirectories(conf.resolve("services"));
        for (String example : List.of("echo", "sleepy")) {
            Files.copy(Path.of("..", "services", "examples", example, "target", "sandgate-example-" + example + ".jar"),
                    conf.resolve("services").resolve(example + ".jar"));
        }
        SandgateConfig config = new ConfigLoader().load(conf.resolve("sandgate.yaml"))
                .withPorts(0, 0);
        server = SandgateServer.create(conf, dir.resolve("var"), config);
        server.start();
        url = "https://localhost:" + server.httpsPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static Run sandgate(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        Map<String, String> e = pb.environment();
        e.remove("X509_USER_PROXY");
        e.put("HOME", dir.resolve("home").toString());
        e.putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    private static Map<String, String> user(String name) {
        Map<String, String> env = new HashMap<>();
        env.put("X509_USER_CERT", dir.resolve(name + "/usercert.pem").toString());
        env.put("X509_USER_KEY", dir.resolve(name + "/userkey.pem").toString());
        env.put("SANDGATE_URL", url);
        env.put("X509_CERT_DIR", dir.resolve("conf/certificates").toString());
        return env;
    }

    @Test
    void showsTheIdentityTierAndAccountOfTheUsersCertificate() throws Exception {
        Run r = sandgate(user("uma"), "whoami");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("identity: /O=Client Test/CN=Uma"), r.out());
        assertTrue(r.out().contains("tier:     strong") && r.out().contains("account:  uma"), r.out());
    }

    @Test
    void jsonOutputIsTheServersAnswer() throws Exception {
        Run r = sandgate(user("uma"), "whoami", "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\"dn_rfc2253\" : \"CN=Uma,O=Client Test\""), r.out());
    }

    @Test
    void callWithWaitFollowsTheJobAndExitsWithItsExitCode() throws Exception {
        Run r = sandgate(user("uma"), "call", "sleepy.add", "1", "3", "5", "--wait");
        assertEquals(0, r.exit(), r.toString());
        String id = r.out().lines().findFirst().orElseThrow().replace("session ", "");
        assertTrue(id.matches("[0-9a-f]{32}"), r.out());
        assertTrue(r.out().contains("DONE (exit 0)"), r.out());
        Run status = sandgate(user("uma"), "status", id);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("state:    DONE (exit 0)") && status.out().contains("stdout"), status.out());
        Run json = sandgate(user("uma"), "status", id, "--json");
        assertTrue(json.out().contains("\"exit_code\" : 0"), json.out());
    }

    @Test
    void lsAndFetchGetTheSandboxAndAnInterruptedDownloadResumes() throws Exception {
        Run r = sandgate(user("uma"), "call", "sleepy.add", "0", "20", "22", "--wait");
        String id = r.out().lines().findFirst().orElseThrow().replace("session ", "");
        Run ls = sandgate(user("uma"), "ls", id);
        assertEquals(0, ls.exit(), ls.toString());
        assertTrue(ls.out().contains("stdout") && ls.out().contains("stderr"), ls.out());

        Path all = dir.resolve("fetched-all");
        Run fetch = sandgate(user("uma"), "fetch", id, "-o", all.toString());
        assertEquals(0, fetch.exit(), fetch.toString());
        assertEquals("sleepyadd 20 + 22 = 42\n", Files.readString(all.resolve("stdout")));
        assertTrue(Files.exists(all.resolve("stderr")));

        Path resumed = dir.resolve("fetched-resumed");
        Files.createDirectories(resumed);
        Files.writeString(resumed.resolve("stdout.part"), "XXXXXXXXX");
        Run again = sandgate(user("uma"), "fetch", id, "stdout", "-o", resumed.toString());
        assertEquals(0, again.exit(), again.toString());
        assertEquals("XXXXXXXXX" + "sleepyadd 20 + 22 = 42\n".substring(9), Files.readString(resumed.resolve("stdout")),
                "only the missing bytes were asked for (Range)");
        assertTrue(!Files.exists(resumed.resolve("stdout.part")));

        Run missing = sandgate(user("uma"), "fetch", id, "nothing-here", "-o", resumed.toString());
        assertEquals(1, missing.exit(), missing.toString());
    }

    @Test
    void anImmediateCallPrintsItsResult() throws Exception {
        Run r = sandgate(user("uma"), "call", "echo.echo", "--strings", "$(id); 42", "2");
        assertEquals(1, r.exit(), "--strings makes 2 a string, which the server refuses for times: " + r);
        assertTrue(r.err().contains("'times'"), r.err());
        Run ok = sandgate(user("uma"), "call", "echo.echo", "$(id); 42", "2", "--json");
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().contains("\"echo\" : \"$(id); 42$(id); 42\""), ok.out());
    }

    @Test
    void cancelStopsAJobAndUnknownSessionsAreRefused() throws Exception {
        Run started = sandgate(user("uma"), "call", "sleepy.add", "300", "1", "1");
        assertEquals(0, started.exit(), started.toString());
        String id = started.out().lines().findFirst().orElseThrow().split(" ")[1];
        Run cancel = sandgate(user("uma"), "cancel", id);
        assertEquals(0, cancel.exit(), cancel.toString());
        Run gone = sandgate(user("uma"), "status", id);
        assertEquals(1, gone.exit(), gone.toString());
        assertTrue(gone.err().contains("not_found"), gone.err());
        assertEquals(2, sandgate(user("uma"), "status", "../../etc").exit());
    }

    @Test
    void anExpiredCertificateIsRefusedBeforeAnythingIsSent() throws Exception {
        Run r = sandgate(user("old"), "whoami");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("expired"), r.err());
    }

    @Test
    void anUnreachableServerHasItsOwnExitCode() throws Exception {
        Map<String, String> env = user("uma");
        env.put("SANDGATE_URL", "https://localhost:1");
        Run r = sandgate(env, "whoami");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("cannot reach"), r.err());
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefused() throws Exception {
        DevCa other = DevCa.create("/O=Other/CN=Other CA", Duration.ofDays(1));
        Path pem = dir.resolve("other-ca.pem");
        org.sandgate.server.ca.Pem.writeCertificates(pem, other.certificate());
        Run r = sandgate(user("uma"), "whoami", "--cacert", pem.toString());
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("TLS handshake") && r.err().contains("No trusted CA"), r.err());
        assertTrue(Files.exists(pem));
    }
}
