package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * The launchers as a site runs them: {@code bin/sandgate-server} after {@code mvn package}, as root
 * (refused) and as an unprivileged account, with the CA tooling checked by the real openssl.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;

    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("sandgate-launcher");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
    }

    /** The launcher command line, run as an unprivileged account: nobody when the tests run as root. */
    private static List<String> unprivileged(String... args) {
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.add(LAUNCHER.toString());
        argv.addAll(List.of(args));
        return argv;
    }

    private Tools.Result launch(List<String> argv) throws Exception {
        return Tools.run(dir, null, argv.toArray(new String[0]));
    }

    private TestPki site() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("server:\n  bind: 127.0.0.1\n");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        return pki;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void runAsRootIsRefusedWithOneLineThatSaysWhatToDo() throws Exception {
        if (!ROOT) {
            System.err.println("SKIPPED: the tests do not run as root, so the root refusal cannot be shown here");
        }
        assumeTrue(ROOT, "not root: test SKIPPED, not passed");
        TestPki pki = TestPki.create(dir.resolve("site"));
        Tools.Result r = launch(List.of(LAUNCHER.toString(), "run", "--conf", pki.conf.toString(),
                "--data", dir.resolve("var").toString()));
        assertEquals(3, r.exit(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().contains("refuses to run as root") && r.err().contains("runuser -u sandgate"), r.err());
    }

    @Test
    void aHostKeyReadableByOthersIsRefusedWithOneLine() throws Exception {
        TestPki pki = site();
        Files.setPosixFilePermissions(pki.conf.resolve("hostkey.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        Tools.Result r = launch(unprivileged("run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("var").toString(), "--https-port", "0", "--http-port", "0"));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("accessible by others") && r.err().contains("chmod 600"), r.toString());
        assertTrue(r.err().lines().filter(l -> l.startsWith("sandgate-server:")).count() == 1, r.toString());
    }

    @Test
    void aBadConfigurationIsReportedWithItsLineAndNothingStarts() throws Exception {
        TestPki pki = site();
        Files.writeString(pki.conf.resolve("sandgate.yaml"), "mode: personal\ntiers:\n  limts: {}\n");
        Tools.Result r = launch(unprivileged("run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("var").toString()));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("line 3: unknown key 'tiers.limts'"), r.toString());
        assertTrue(!r.err().contains("at org."), "no stack trace: " + r);
    }

    @Test
    void theServerStartsFromTheLauncherAndAnswers() throws Exception {
        TestPki pki = site();
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(unprivileged("run", "--conf", pki.conf.toString(), "--data",
                dir.resolve("var").toString(), "--https-port", String.valueOf(port), "--http-port", "0"))
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile());
        started.add(pb.start());
        Https https = new Https(null, pki.strong.certificate());
        Https.Reply health = Await.value(Duration.ofSeconds(60),
                () -> https.tryGet(URI.create("https://localhost:" + port + "/health")), java.util.Optional::isPresent)
                .orElseThrow(() -> new AssertionError("server did not answer: " + output()));
        assertEquals(200, health.status());
        assertTrue(Files.readString(dir.resolve("var/logs/sandgate.log")).contains("trust anchors from"));
    }

    @Test
    void aJobEndsDoneWhenRunIsGivenRelativeConfigurationAndDataDirectories() throws Exception {
        TestPki pki = site();
        pki.deploy(TestPki.SLEEPY_JAR);
        chownToNobody();
        int port = freePort();
        started.add(start(unprivileged("run", "--conf", "site/conf", "--data", "var", "--https-port",
                String.valueOf(port), "--http-port", "0")));
        Https https = new Https(null, pki.strong.certificate());
        awaitHealth(https, port);
        assertSleepyAddEndsDone(https, port);
    }

    @Test
    void aJobEndsDoneInTheDemoWithItsDefaultRelativeDirectory() throws Exception {
        chownToNobody();
        int port = freePort();
        started.add(start(unprivileged("demo", "--https-port", String.valueOf(port), "--http-port", "0")));
        Https https = new Https(null, demoCa());
        awaitHealth(https, port);
        assertSleepyAddEndsDone(https, port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void ctrlCAndSigtermStopTheServerWithOneLineAndExitZero(String signal) throws Exception {
        Tools.require("python3");
        TestPki pki = site();
        int port = freePort();
        // a shell running the tests in the background may have left SIGINT ignored; a terminal does not
        List<String> argv = new ArrayList<>(List.of("python3", "-c", "import os, signal, sys; "
                + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
        argv.addAll(unprivileged("run", "--conf", "site/conf", "--data", "var", "--https-port",
                String.valueOf(port), "--http-port", "0"));
        Process launcher = start(argv);
        started.add(launcher);
        awaitHealth(new Https(null, pki.strong.certificate()), port);
        ProcessHandle java = Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                .filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst()
                .orElseThrow(() -> new AssertionError("no java process under the launcher"));
        long before = Files.size(dir.resolve("server.out"));

        assertEquals(0, Tools.run(dir, null, "kill", "-s", signal, Long.toString(java.pid())).exit());
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIG" + signal);
        String all = Files.readString(dir.resolve("server.out"));
        String after = all.substring((int) before);
        assertEquals(0, launcher.exitValue(), all);
        assertEquals(1, after.strip().lines().count(), "one line when stopping: " + after);
        assertTrue(after.contains("stopped on SIG" + signal), after);
        assertTrue(Files.readString(dir.resolve("var/logs/sandgate.log")).contains("stopped on SIG" + signal));
    }

    @Test
    void aSecondDemoOnTheSameDirectoryAndPortSaysSoInOneLineAndTouchesNothing() throws Exception {
        chownToNobody();
        int port = freePort();
        started.add(start(unprivileged("demo", "--https-port", String.valueOf(port), "--http-port", "0")));
        awaitHealth(new Https(null, demoCa()), port);
        Path services = dir.resolve("sandgate-demo/conf/services");
        Path log = dir.resolve("sandgate-demo/var/logs/sandgate.log");
        List<String> deployed = snapshot(services);

        Tools.Result second = launch(unprivileged("demo", "--https-port", String.valueOf(port), "--http-port", "0"));
        assertEquals(2, second.exit(), second.toString());
        assertEquals("", second.out(), second.toString());
        assertEquals(List.of("sandgate-server: port 0.0.0.0:" + port
                + " (HTTPS) is in use: is another Sandgate running? use --https-port"), second.err().lines().toList());
        assertEquals(deployed, snapshot(services), "the running demo's deploy directory is untouched");
        Thread.sleep(1500);     // a changed jar would be redeployed within the scan interval
        String running = Files.readString(log);
        assertTrue(!running.contains("redeployed") && !running.contains("in use"), running);
    }

    @Test
    void aBusyPlainPortIsOneLineWithTheFixAndNoDataDirectoryIsMade() throws Exception {
        TestPki pki = site();
        try (ServerSocket busy = new ServerSocket(0)) {
            Tools.Result r = launch(unprivileged("run", "--conf", "site/conf", "--data", "var", "--https-port", "0",
                    "--http-port", String.valueOf(busy.getLocalPort())));
            assertEquals(2, r.exit(), r.toString());
            assertEquals(List.of("sandgate-server: port 127.0.0.1:" + busy.getLocalPort()
                    + " (plain-HTTP) is in use: is another Sandgate running? use --http-port (0 disables it)"),
                    r.err().lines().toList(), r.toString());
        }
        assertTrue(!Files.exists(dir.resolve("var")), "nothing is made before the ports are bound");
        assertTrue(Files.isRegularFile(pki.conf.resolve("hostcert.pem")));
    }

    @Test
    void aMissingTrustDirectoryIsOneLineThatSaysWhatToDo() throws Exception {
        TestPki pki = site();
        Tools.run(dir, null, "rm", "-rf", pki.trust.toString());
        Tools.Result r = launch(unprivileged("run", "--conf", "site/conf", "--data", "var", "--https-port", "0",
                "--http-port", "0"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().startsWith("sandgate-server: the trust directory " + pki.trust
                + " (tls.trust_dir) does not exist"), r.toString());
        assertTrue(r.err().contains("sandgate-server ca install") && !r.err().contains("at org."), r.toString());
        assertTrue(!Files.exists(dir.resolve("var")), "nothing is made");
    }

    private X509Certificate demoCa() throws Exception {
        Path caFile = dir.resolve("sandgate-demo/ca-strong/ca.pem");
        Await.holdsWithin(Duration.ofSeconds(60), () -> Files.isRegularFile(caFile));
        Thread.sleep(200);      // written in one go, but let it land
        try (var in = Files.newInputStream(caFile)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Names, sizes and modification times of a directory's files. */
    private static List<String> snapshot(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().map(f -> {
                try {
                    return f.getFileName() + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private Process start(List<String> argv) throws IOException {
        return new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile()).start();
    }

    private void chownToNobody() throws Exception {
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
    }

    private void awaitHealth(Https https, int port) throws Exception {
        boolean up = Await.holdsWithin(Duration.ofSeconds(60),
                () -> https.tryGet(URI.create("https://localhost:" + port + "/health")).filter(r -> r.status() == 200).isPresent());
        assertTrue(up, () -> "server did not answer: " + output());
    }

    /** An anonymous sleepy.add(0, 3, 5): the job must end DONE with exit 0 and the sum in its stdout. */
    private void assertSleepyAddEndsDone(Https https, int port) throws Exception {
        String base = "https://localhost:" + port;
        Https.Reply created = https.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/services/sleepy/add"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [0, 3, 5]}")).build());
        assertEquals(201, created.status(), created.body());
        URI status = URI.create(created.json().path("status_url").asText());
        JsonNode s = Await.value(Duration.ofSeconds(60), () -> https.get(status).json(),
                j -> List.of("DONE", "FAILED", "CANCELLED").contains(j.path("state").asText()));
        assertEquals("DONE", s.path("state").asText(), s + "\n" + Files.readString(dir.resolve("server.out")));
        assertEquals(0, s.path("exit_code").asInt(-1), s.toString());
        Https.Reply stdout = https.get(URI.create(created.json().path("url").asText() + "stdout"));
        assertEquals("sleepyadd 3 + 5 = 8\n", stdout.body());
    }

    @Test
    void versionIsTheVersionOfTheBuild() throws Exception {
        String version = System.getProperty("sandgate.test.version");
        assertTrue(version != null && !version.isBlank(), "the build passes its version to the tests");
        Tools.Result r = launch(List.of(LAUNCHER.toString(), "--version"));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("sandgate-server " + version + "\n", r.out());
    }

    @Test
    void caToolingMakesATrustDirectoryThatOpensslAccepts() throws Exception {
        Tools.require("openssl");
        Path ca = dir.resolve("ca");
        Path trust = dir.resolve("certificates");
        Path gridmap = dir.resolve("grid-mapfile");
        assertEquals(0, launch(List.of(LAUNCHER.toString(), "ca", "init", "--dir", ca.toString(),
                "--subject", "/O=Launcher Test/CN=Launcher CA")).exit());
        Tools.Result user = launch(List.of(LAUNCHER.toString(), "ca", "user", "--ca", ca.toString(), "--cn",
                "Jane \"JJ\" Doe", "--out", dir.resolve("jane").toString(), "--gridmap", gridmap.toString(),
                "--account", "jane,physics"));
        assertEquals(0, user.exit(), user.toString());
        assertEquals(0, launch(List.of(LAUNCHER.toString(), "ca", "host", "--ca", ca.toString(), "--out",
                dir.resolve("host").toString())).exit());
        assertEquals(0, launch(List.of(LAUNCHER.toString(), "ca", "install", "--ca", ca.toString(),
                "--trust-dir", trust.toString())).exit());
        assertEquals("\"/O=Launcher Test/OU=People/CN=Jane \\\"JJ\\\" Doe\" jane,physics\n", Files.readString(gridmap));

        String janeCert = dir.resolve("jane/usercert.pem").toString();
        Tools.Result ok = Tools.run(dir, null, "openssl", "verify", "-crl_check", "-CApath", trust.toString(), janeCert);
        assertEquals(0, ok.exit(), ok.toString());
        Tools.Result host = Tools.run(dir, null, "openssl", "verify", "-purpose", "sslserver", "-CApath",
                trust.toString(), dir.resolve("host/hostcert.pem").toString());
        assertEquals(0, host.exit(), host.toString());

        assertEquals(0, launch(List.of(LAUNCHER.toString(), "ca", "revoke", "--ca", ca.toString(), "--cert", janeCert,
                "--trust-dir", trust.toString())).exit());
        Tools.Result revoked = Tools.run(dir, null, "openssl", "verify", "-crl_check", "-CApath", trust.toString(),
                janeCert);
        assertTrue(revoked.exit() != 0 && (revoked.out() + revoked.err()).contains("certificate revoked"), revoked.toString());
    }

    @Test
    void checkReportsWhatIsWrongWithASite() throws Exception {
        TestPki pki = site();
        Files.writeString(pki.conf.resolve("grid-mapfile"), "\"/O=Good/CN=User\" good\ngarbage here\n");
        Tools.Result r = launch(unprivileged("check", "--conf", pki.conf.toString()));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("host credential: ok"), r.toString());
        assertTrue(r.err().contains("line 2: 'garbage' is not a DN"), r.toString());
    }

    @Test
    void checkSaysWhichContainmentJobsGet() throws Exception {
        TestPki pki = site();
        Tools.Result r = launch(unprivileged("check", "--conf", pki.conf.toString()));
        assertTrue(r.out().contains("containment: bubblewrap"), r.toString());
        pki.config("server:\n  bind: 127.0.0.1\njobs:\n  containment: none\n");
        r = launch(unprivileged("check", "--conf", pki.conf.toString()));
        assertTrue(r.out().contains("containment: NONE (jobs.containment: none): jobs are NOT contained"), r.toString());
    }

    /** What the launched server printed, for a failure message. */
    private String output() {
        try {
            return Files.readString(dir.resolve("server.out"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
