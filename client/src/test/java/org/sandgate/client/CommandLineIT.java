package org.sandgate.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.testkit.Await;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.TestServer;

/** {@code bin/sandgate} as a user runs it, against a real server, with grid credential conventions. */
class CommandLineIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestServer server;
    static DevCa ca;
    static String url;

    record Run(int exit, String out, String err) {
    }

    /** The DN of a user of the test CA. */
    static String dn(String cn) {
        return ca.namespace() + "/OU=People/CN=" + cn;
    }

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        ca = pki.strong;
        ca.issueUser(dn("Uma"), Duration.ofDays(1))
                .write(dir.resolve("uma/usercert.pem"), dir.resolve("uma/userkey.pem"));
        ca.issueUser(dn("Old"), Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)))
                .write(dir.resolve("old/usercert.pem"), dir.resolve("old/userkey.pem"));
        pki.map(dn("Uma"), "uma");
        pki.deploy(TestPki.ECHO_JAR);
        pki.deploy(TestPki.SLEEPY_JAR);
        // independent proxies are refused by default; accepted here so that whoami can name them
        pki.config(pki.baseConfig() + "proxies:\n  independent: accept\n");
        server = TestServer.start(pki.conf);
        url = "https://localhost:" + server.server.httpsPort();
    }

    @AfterAll
    static void stop() throws Exception {
        sandgate(Map.of(), "agent", "stop");
        server.close();
    }

    /** The agent of these tests lives under their own home, and not for long after them. */
    private static void isolateAgent(Map<String, String> env) {
        env.put("HOME", dir.resolve("home").toString());
        env.remove("XDG_RUNTIME_DIR");
        env.remove("XDG_CACHE_HOME");
        env.remove("SANDGATE_AGENT");
        env.put("SANDGATE_AGENT_IDLE_SECONDS", "120");
    }

    /** Starts the agent (the first command that could use one does) and waits until it answers. */
    private static void agentRunning() throws Exception {
        sandgate(user("uma"), "whoami");
        Await.until("the agent answers", Duration.ofSeconds(60), () -> sandgate(Map.of(), "agent", "status").exit() == 0);
    }

    private static Run sandgate(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return sandgateIn(dir, env, args);
    }

    private static Run sandgateIn(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        Map<String, String> e = pb.environment();
        e.remove("X509_USER_PROXY");
        isolateAgent(e);
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
        assertTrue(r.out().contains("identity: " + dn("Uma")), r.out());
        assertTrue(r.out().contains("tier:     strong") && r.out().contains("account:  uma"), r.out());
    }

    @Test
    void jsonOutputIsTheServersAnswer() throws Exception {
        Run r = sandgate(user("uma"), "whoami", "--json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\"dn_rfc2253\" : \"CN=Uma,OU=People,O=Sandgate Test\""), r.out());
    }

    @Test
    void callWithWaitFollowsTheJobAndExitsWithItsExitCode() throws Exception {
        Run r = sandgate(user("uma"), "call", "sleepy.add", "1", "3", "5", "--wait");
        assertEquals(0, r.exit(), r.toString());
        String id = r.out().lines().findFirst().orElseThrow().replace("session ", "");
        assertTrue(id.matches("[0-9a-f]{32}"), r.out());
        assertTrue(r.out().contains("DONE (exit 0)"), r.out());
        assertTrue(r.out().contains("files (sandgate fetch " + id + "):"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +" + "sleepyadd 1 + 3 = 4\n".length() + "  stdout")), r.out());
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
    void argumentsAreSentAsTheTypesTheMethodDeclares() throws Exception {
        Run number = sandgate(user("uma"), "call", "echo.echo", "42", "--json");
        assertEquals(0, number.exit(), "42 goes to a string argument as \"42\": " + number);
        assertTrue(number.out().contains("\"echo\" : \"42\""), number.out());
        Run named = sandgate(user("uma"), "call", "echo.echo", "ab", "times=3", "--json");
        assertEquals(0, named.exit(), named.toString());
        assertTrue(named.out().contains("\"echo\" : \"ababab\""), named.out());
        Run wrong = sandgate(user("uma"), "call", "echo.echo", "ab", "thrice");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertEquals("sandgate: echo.echo: argument 'times' takes an integer; 'thrice' is not a whole number",
                wrong.err().strip());
        Run many = sandgate(user("uma"), "call", "sleepy.add", "0", "1", "2", "3");
        assertEquals(2, many.exit(), many.toString());
        assertTrue(many.err().contains("sleepy.add takes 3 arguments"), many.err());
    }

    @Test
    void callWaitJsonPrintsTheFinalSessionAsJson() throws Exception {
        Run r = sandgate(user("uma"), "call", "sleepy.add", "0", "4", "5", "--wait", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode session = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("DONE", session.path("state").asText(), r.out());
        assertEquals(0, session.path("exit_code").asInt(-1), r.out());
        assertTrue(session.path("session").asText().matches("[0-9a-f]{32}"), r.out());
        assertTrue(session.path("files").isArray() && session.path("files").size() > 0, r.out());
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
    void aSessionOfAnotherIdentitySaysWhichCredentialAskedForIt() throws Exception {
        Run started = sandgate(user("uma"), "call", "sleepy.add", "0", "1", "1");
        assertEquals(0, started.exit(), started.toString());
        String id = started.out().lines().findFirst().orElseThrow().split(" ")[1];

        Map<String, String> nobody = new HashMap<>(user("uma"));
        nobody.remove("X509_USER_CERT");
        nobody.remove("X509_USER_KEY");
        Path home = dir.resolve("home");
        Run anonymous = sandgate(nobody, "status", id);
        assertEquals(1, anonymous.exit(), anonymous.toString());
        assertTrue(anonymous.err().contains("the request was made anonymously: no credential was found (looked for "
                + "X509_USER_PROXY (not set), /tmp/x509up_u" + new com.sun.security.auth.module.UnixSystem().getUid()
                + ", " + home.resolve(".globus/usercert.pem") + " with " + home.resolve(".globus/userkey.pem") + ", "
                + home.resolve(".globus/usercred.p12") + "); a session answers only to the identity that made it"),
                anonymous.err());

        Run chosen = sandgate(user("uma"), "cancel", id, "--anonymous");
        assertEquals(1, chosen.exit(), chosen.toString());
        assertTrue(chosen.err().contains("the request was made anonymously (--anonymous)"), chosen.err());

        ca.issueUser(dn("Wim"), Duration.ofDays(1))
                .write(dir.resolve("wim/usercert.pem"), dir.resolve("wim/userkey.pem"));
        Run other = sandgate(user("wim"), "status", id);
        assertEquals(1, other.exit(), other.toString());
        assertTrue(other.err().contains("the request was made with the certificate " + dir.resolve("wim/usercert.pem")
                + " (key " + dir.resolve("wim/userkey.pem") + "), identity " + dn("Wim")), other.err());

        Run mine = sandgate(user("uma"), "status", id);
        assertEquals(0, mine.exit(), mine.toString());
        assertTrue(!mine.err().contains("the request was made"), mine.err());
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
        assertEquals("sandgate: cannot reach https://localhost:1: connection refused by localhost:1 (is the server "
                + "running, and is this its HTTPS port?)", r.err().strip());
        Run fetch = sandgate(env, "fetch", "0".repeat(32), "stdout", "-o", dir.resolve("never").toString());
        assertEquals(3, fetch.exit(), fetch.toString());
        assertTrue(fetch.err().contains("connection refused by localhost:1"), fetch.err());
        Run watch = sandgate(env, "watch", "0".repeat(32));
        assertEquals(3, watch.exit(), watch.toString());
        assertTrue(watch.err().contains("connection refused by localhost:1"), watch.err());

        env.put("SANDGATE_URL", "https://sandgate-test.invalid:8443");
        Run unknown = sandgate(env, "whoami");
        assertEquals(3, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("unknown host 'sandgate-test.invalid'"), unknown.err());
        assertTrue(!unknown.err().contains("Exception"), unknown.err());
    }

    @Test
    void aPlainHttpServerUrlIsRefusedWithTheFix() throws Exception {
        Run r = sandgate(user("uma"), "whoami", "--server", "http://localhost:8080");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("sandgate: --server http://localhost:8080: the API is served over HTTPS only (the plain-HTTP port "
                + "serves sandboxes, not the API); give https://HOST[:PORT], e.g. https://localhost:8443", r.err().strip());
        Map<String, String> env = user("uma");
        env.put("SANDGATE_URL", "localhost:8443");
        Run bare = sandgate(env, "status", "0".repeat(32));
        assertEquals(2, bare.exit(), bare.toString());
        assertTrue(bare.err().startsWith("sandgate: SANDGATE_URL localhost:8443 is not a server URL"), bare.err());
        Run path = sandgate(user("uma"), "services", "--server", url + "/api/v1");
        assertEquals(2, path.exit(), path.toString());
        assertTrue(path.err().contains("without a path"), path.err());
    }

    @Test
    void aServerCaOfTheTrustedNameButAnotherKeyIsNamedAsSuch() throws Exception {
        DevCa impostor = DevCa.create(TestPki.STRONG_CA, Duration.ofDays(1));
        Path pem = dir.resolve("same-name-ca.pem");
        org.sandgate.server.ca.Pem.writeCertificates(pem, impostor.certificate());
        Run r = sandgate(user("uma"), "whoami", "--cacert", pem.toString());
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("is issued by 'CN=Sandgate Test CA,O=Sandgate Test'")
                && r.err().contains("hold a CA of that name but with another key"), r.err());
        assertTrue(!r.err().contains("which is not in your trust anchors"), r.err());
    }

    @Test
    void anExpiredProxyIsRefusedWithTheSameRenewalAdviceEverywhere() throws Exception {
        var user = org.sandgate.client.credentials.GridCredentials.certificateAndKey(dir.resolve("uma/usercert.pem"),
                dir.resolve("uma/userkey.pem"), () -> null);
        var options = new eu.emi.security.authn.x509.proxy.ProxyCertificateOptions(user.getCertificateChain());
        options.setValidityBounds(java.util.Date.from(Instant.now().minusSeconds(120)),
                java.util.Date.from(Instant.now().minusSeconds(60)));
        var proxy = eu.emi.security.authn.x509.proxy.ProxyGenerator.generate(options, user.getKey());
        Path file = dir.resolve("proxies/expired");
        Files.createDirectories(file.getParent());
        try (var out = Files.newOutputStream(file)) {
            var chain = proxy.getCertificateChain();
            eu.emi.security.authn.x509.impl.CertificateUtils.saveCertificate(out, chain[0],
                    eu.emi.security.authn.x509.impl.CertificateUtils.Encoding.PEM);
            eu.emi.security.authn.x509.impl.CertificateUtils.savePrivateKey(out, proxy.getPrivateKey(),
                    eu.emi.security.authn.x509.impl.CertificateUtils.Encoding.PEM, null, null, true);
            for (int i = 1; i < chain.length; i++) {
                eu.emi.security.authn.x509.impl.CertificateUtils.saveCertificate(out, chain[i],
                        eu.emi.security.authn.x509.impl.CertificateUtils.Encoding.PEM);
            }
        }
        String advice = "make a new one with sandgate proxy-init (or grid-proxy-init)";
        Map<String, String> env = new HashMap<>(user("uma"));
        env.put("X509_USER_PROXY", file.toString());
        Run who = sandgate(env, "whoami");
        assertEquals(2, who.exit(), who.toString());
        assertTrue(who.err().contains("the proxy " + file + " expired at") && who.err().contains(advice), who.err());
        Run info = sandgate(Map.of(), "proxy-info", "-file", file.toString());
        assertEquals(1, info.exit(), info.toString());
        assertTrue(info.out().contains("(expired: " + advice + ")"), info.out());
        Run none = sandgate(Map.of(), "proxy-info", "-file", dir.resolve("proxies/none-here").toString());
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains("make one with sandgate proxy-init (or grid-proxy-init)"), none.err());
        Run oldCert = sandgate(user("old"), "whoami");
        assertTrue(oldCert.err().contains("renew it with your certification authority"), oldCert.err());
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefused() throws Exception {
        DevCa other = DevCa.create("/O=Other/CN=Other CA", Duration.ofDays(1));
        Path pem = dir.resolve("other-ca.pem");
        org.sandgate.server.ca.Pem.writeCertificates(pem, other.certificate());
        Run r = sandgate(user("uma"), "whoami", "--cacert", pem.toString());
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.err().contains("TLS handshake") && r.err().contains("is issued by 'CN=Sandgate Test CA,O=Sandgate Test'")
                && r.err().contains("which is not in your trust anchors"), r.err());
        assertTrue(Files.exists(pem));
    }

    /** Runs a command; skips the test, loudly, when it is not installed. */
    private static Run tool(Map<String, String> env, String stdin, String... argv) throws Exception {
        boolean found = java.util.stream.Stream.of("/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin")
                .anyMatch(d -> Files.isExecutable(Path.of(d, argv[0])));
        if (!found) {
            System.err.println("SKIPPED: " + argv[0] + " is not installed; install it to run this test");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(found, argv[0] + " is not installed: test SKIPPED, not passed");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().remove("X509_USER_PROXY");
        isolateAgent(pb.environment());
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void servicesListsTheMethodsAndTheirArguments() throws Exception {
        Run r = sandgate(user("uma"), "services");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("sleepy.add") && r.out().contains("job") && r.out().contains("seconds:integer"), r.out());
        assertTrue(r.out().contains("echo.echo") && r.out().contains("immediate") && r.out().contains("[times:integer]"), r.out());
        assertTrue(r.out().contains("cost limits"), r.out());
    }

    @Test
    void watchFollowsASessionLiveAndExitsWithItsExitCode() throws Exception {
        Run started = sandgate(user("uma"), "call", "sleepy.add", "6", "1", "1");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9a-f]{32}").matcher(started.out());
        assertTrue(m.find(), started.toString());
        String id = m.group();
        Run watch = sandgate(user("uma"), "watch", id);
        assertEquals(0, watch.exit(), watch.toString());
        List<String> lines = watch.out().lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("\\[0:00:0[0-9]] DONE \\(exit 0\\)"), watch.out());
        assertTrue(watch.out().contains("RUNNING") || watch.out().contains("QUEUED"), watch.out());
        assertEquals(2, sandgate(user("uma"), "watch", "not-a-session").exit());
    }

    @Test
    void proxyInitMakesAProxyThatGlobusReadsAndTheServerAccepts() throws Exception {
        Path proxy = dir.resolve("proxies/uma-proxy");
        Run init = sandgate(user("uma"), "proxy-init", "-valid", "2:00", "-out", proxy.toString());
        assertEquals(0, init.exit(), init.toString());
        assertTrue(init.out().contains("Your identity: " + dn("Uma")), init.out());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(proxy)));

        Run info = sandgate(Map.of(), "proxy-info", "-file", proxy.toString());
        assertEquals(0, info.exit(), info.toString());
        assertTrue(info.out().contains("identity : " + dn("Uma"))
                && info.out().contains("type     : RFC 3820 compliant impersonation proxy"), info.out());

        Map<String, String> withProxy = new HashMap<>(user("uma"));
        withProxy.remove("X509_USER_CERT");
        withProxy.remove("X509_USER_KEY");
        withProxy.put("X509_USER_PROXY", proxy.toString());
        Run who = sandgate(withProxy, "whoami", "--json");
        assertEquals(0, who.exit(), who.toString());
        assertTrue(who.out().contains("\"proxy\" : true") && who.out().contains("\"proxy_type\" : \"rfc3820\""), who.out());

        Run globus = tool(Map.of(), null, "grid-proxy-info", "-file", proxy.toString());
        assertEquals(0, globus.exit(), globus.toString());
        assertTrue(globus.out().contains("RFC 3820 compliant impersonation proxy")
                && globus.out().contains("identity : " + dn("Uma")), globus.out());
        Run limited = sandgate(user("uma"), "proxy-init", "-limited", "-bits", "1024", "-out", dir.resolve("proxies/limited").toString());
        assertEquals(0, limited.exit(), limited.toString());
        assertEquals("RFC 3820 compliant limited proxy", tool(Map.of(), null, "grid-proxy-info", "-file",
                dir.resolve("proxies/limited").toString(), "-type").out().strip());
    }

    @Test
    void aProxyFromGridProxyInitWorksWithSandgate() throws Exception {
        Path proxy = dir.resolve("proxies/globus-proxy");
        Files.createDirectories(proxy.getParent());
        Run made = tool(Map.of(), null, "grid-proxy-init", "-q", "-cert", dir.resolve("uma/usercert.pem").toString(),
                "-key", dir.resolve("uma/userkey.pem").toString(), "-out", proxy.toString());
        assertEquals(0, made.exit(), made.toString());
        Run info = sandgate(Map.of(), "proxy-info", "-file", proxy.toString());
        assertTrue(info.out().contains("identity : " + dn("Uma")), info.toString());
        Map<String, String> withProxy = new HashMap<>(user("uma"));
        withProxy.remove("X509_USER_CERT");
        withProxy.remove("X509_USER_KEY");
        withProxy.put("X509_USER_PROXY", proxy.toString());
        Run who = sandgate(withProxy, "whoami");
        assertEquals(0, who.exit(), who.toString());
        assertTrue(who.out().contains("identity: " + dn("Uma")), who.out());
    }

    @Test
    void whoamiNamesTheKindOfProxyAsGridProxyInitMadeIt() throws Exception {
        Map<String, String> kinds = new java.util.LinkedHashMap<>();
        kinds.put("-rfc", "RFC 3820 impersonation proxy");
        kinds.put("-rfc -limited", "RFC 3820 limited proxy");
        kinds.put("-rfc -independent", "RFC 3820 independent proxy");
        kinds.put("-draft", "draft (pre-RFC 3820) impersonation proxy");
        kinds.put("-old", "legacy Globus full proxy");
        kinds.put("-old -limited", "legacy Globus limited proxy");
        int n = 0;
        for (Map.Entry<String, String> kind : kinds.entrySet()) {
            Path proxy = dir.resolve("proxies/kind-" + n++);
            Files.createDirectories(proxy.getParent());
            List<String> argv = new java.util.ArrayList<>(List.of("grid-proxy-init", "-q"));
            argv.addAll(List.of(kind.getKey().split(" ")));
            argv.addAll(List.of("-cert", dir.resolve("uma/usercert.pem").toString(),
                    "-key", dir.resolve("uma/userkey.pem").toString(), "-out", proxy.toString()));
            Run made = tool(Map.of(), null, argv.toArray(new String[0]));
            assertEquals(0, made.exit(), kind.getKey() + ": " + made);
            Map<String, String> withProxy = new HashMap<>(user("uma"));
            withProxy.remove("X509_USER_CERT");
            withProxy.remove("X509_USER_KEY");
            withProxy.put("X509_USER_PROXY", proxy.toString());
            Run who = sandgate(withProxy, "whoami");
            assertEquals(0, who.exit(), kind.getKey() + ": " + who);
            assertTrue(who.out().contains("proxy:    " + kind.getValue()), kind.getKey() + ": " + who.out());
            assertEquals(kind.getKey().contains("-limited"),
                    who.out().contains(" (here it may read, not call services or launch jobs)"), who.out());
        }
        Run plain = sandgate(user("uma"), "whoami");
        assertTrue(!plain.out().contains("proxy:"), "no proxy line for an end-entity certificate: " + plain.out());
    }

    @Test
    void anEncryptedKeysPassPhraseIsAskedOnTheTerminal() throws Exception {
        Path encrypted = dir.resolve("uma/userkey-encrypted.pem");
        Run enc = tool(Map.of(), null, "openssl", "rsa", "-in", dir.resolve("uma/userkey.pem").toString(), "-aes256",
                "-passout", "pass:correct horse", "-out", encrypted.toString());
        assertEquals(0, enc.exit(), enc.toString());
        Map<String, String> env = new HashMap<>(user("uma"));
        env.put("X509_USER_KEY", encrypted.toString());
        Path proxy = dir.resolve("proxies/from-terminal");
        // script(1) runs the command under a pseudo-terminal; what we write reaches it as typed input
        String command = LAUNCHER + " proxy-init -out " + proxy;
        Run typed = tool(env, "correct horse\n", "script", "-qec", command, "/dev/null");
        assertEquals(0, typed.exit(), typed.toString());
        assertTrue(typed.out().contains("Enter GRID pass phrase"), typed.out());
        assertTrue(typed.out().contains("Your identity: " + dn("Uma")), typed.out());
        assertTrue(Files.exists(proxy));
        Run wrong = tool(env, "wrong\n", "script", "-qec", LAUNCHER + " proxy-init -out " + dir.resolve("proxies/wrong"),
                "/dev/null");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.out().contains("wrong pass phrase"), wrong.out());
        Run noTerminal = sandgate(env, "proxy-init", "-out", dir.resolve("proxies/none").toString());
        assertEquals(2, noTerminal.exit(), noTerminal.toString());
        assertTrue(noTerminal.err().contains("no pass phrase was given (there is no terminal to ask on)"), noTerminal.err());
    }

    @Test
    void theFetchProgressBarOnARealTerminalClearsToTheEndOfEachLine() throws Exception {
        Run r = sandgate(user("uma"), "call", "sleepy.add", "0", "6", "7", "--wait");
        assertEquals(0, r.exit(), r.toString());
        String id = r.out().lines().findFirst().orElseThrow().replace("session ", "");
        Path into = dir.resolve("fetched-on-terminal");
        // script(1) gives the command a pseudo-terminal, so the bar is drawn as a user sees it
        Run shown = tool(user("uma"), null, "script", "-qec", LAUNCHER + " fetch " + id + " stdout -o " + into, "/dev/null");
        assertEquals(0, shown.exit(), shown.toString());
        assertEquals("sleepyadd 6 + 7 = 13\n", Files.readString(into.resolve("stdout")));
        java.util.regex.Matcher draw = java.util.regex.Pattern.compile("\r(stdout [^\r\n]*?)(\u001b\\[K)?(?=[\r\n])")
                .matcher(shown.out());
        int draws = 0;
        while (draw.find()) {
            draws++;
            assertTrue(draw.group(2) != null, "a redraw without erase-to-end: " + draw.group(1));
            assertTrue(draw.group(1).contains("100%") || draw.group(1).contains("%"), draw.group(1));
        }
        assertTrue(draws > 0, "the bar was drawn on the terminal: " + shown.out());
    }

    @Test
    void versionIsTheBuildsVersion() throws Exception {
        String built = System.getProperty("sandgate.build.version");
        assertTrue(built != null && !built.isBlank() && !built.startsWith("$"), "the build passes its version: " + built);
        Run r = sandgate(Map.of(), "--version");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("sandgate " + built, r.out().strip());
    }

    @Test
    void theCompletionScriptKnowsTheCommands() throws Exception {
        Run r = sandgate(Map.of(), "completion");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("complete -F") && r.out().contains("proxy-init") && r.out().contains("watch"), r.out());
    }

    @Test
    void aPkcs12CredentialIsUsedWithThePasswordTypedOnTheTerminal() throws Exception {
        Path p12 = dir.resolve("uma/usercred.p12");
        Run made = tool(Map.of(), null, "openssl", "pkcs12", "-export", "-in", dir.resolve("uma/usercert.pem").toString(),
                "-inkey", dir.resolve("uma/userkey.pem").toString(), "-out", p12.toString(), "-passout", "pass:p12 secret");
        assertEquals(0, made.exit(), made.toString());
        Map<String, String> env = new HashMap<>(user("uma"));
        env.put("X509_USER_CERT", p12.toString());
        env.remove("X509_USER_KEY");
        Run who = tool(env, "p12 secret\n", "script", "-qec", LAUNCHER + " whoami", "/dev/null");
        assertEquals(0, who.exit(), who.toString());
        assertTrue(who.out().contains("identity: " + dn("Uma")), who.out());
        Run wrong = tool(env, "nope\n", "script", "-qec", LAUNCHER + " whoami", "/dev/null");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertTrue(wrong.out().contains("wrong password for the PKCS#12 file"), wrong.out());
    }

    @Test
    void commandsRunInTheAgentSeeTheCallersDirectoryEnvironmentAndFiles() throws Exception {
        agentRunning();
        Run status = sandgate(Map.of(), "agent", "status");
        assertTrue(status.out().startsWith("agent of "), status.out());
        long agentPid = Long.parseLong(status.out().replaceAll("(?s).*pid (\\d+).*", "$1"));

        Run r = sandgate(user("uma"), "call", "sleepy.add", "0", "2", "3", "--wait");
        assertEquals(0, r.exit(), r.toString());
        String id = r.out().lines().findFirst().orElseThrow().replace("session ", "");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Map<String, String> relative = new HashMap<>(user("uma"));
        relative.put("X509_USER_CERT", "../uma/usercert.pem");
        relative.put("X509_USER_KEY", "../uma/userkey.pem");
        Run fetch = sandgateIn(elsewhere, relative, "fetch", id, "stdout", "-o", "out");
        assertEquals(0, fetch.exit(), fetch.toString());
        assertEquals("sleepyadd 2 + 3 = 5\n", Files.readString(elsewhere.resolve("out/stdout")),
                "relative paths are the caller's, not the agent's");

        // the credential files change under the agent: the next command uses the new ones
        Path mine = Files.createDirectories(dir.resolve("changing"));
        Files.copy(dir.resolve("uma/usercert.pem"), mine.resolve("usercert.pem"));
        Files.copy(dir.resolve("uma/userkey.pem"), mine.resolve("userkey.pem"));
        Map<String, String> changing = new HashMap<>(user("uma"));
        changing.put("X509_USER_CERT", mine.resolve("usercert.pem").toString());
        changing.put("X509_USER_KEY", mine.resolve("userkey.pem").toString());
        assertTrue(sandgate(changing, "whoami").out().contains("identity: " + dn("Uma")));
        ca.issueUser(dn("Vera"), Duration.ofDays(1))
                .write(mine.resolve("usercert.pem"), mine.resolve("userkey.pem"));
        Run vera = sandgate(changing, "whoami");
        assertTrue(vera.out().contains("identity: " + dn("Vera")), vera.toString());
        assertTrue(vera.out().contains("account:  (none"), vera.out());
        Run expired = sandgate(user("old"), "whoami");
        assertEquals(2, expired.exit(), expired.toString());
        assertTrue(expired.err().contains("expired"), expired.err());

        assertEquals(agentPid, Long.parseLong(sandgate(Map.of(), "agent", "status").out()
                .replaceAll("(?s).*pid (\\d+).*", "$1")), "the same agent answered all of them");
        Run direct = sandgate(Map.of("SANDGATE_AGENT", "off"), "whoami", "--server", url, "--cacert",
                dir.resolve("ca-strong/ca.pem").toString(), "--anonymous");
        Run viaAgent = sandgate(Map.of(), "whoami", "--server", url, "--cacert", dir.resolve("ca-strong/ca.pem").toString(),
                "--anonymous");
        assertEquals(direct, viaAgent, "the agent answers exactly as a JVM of its own");
    }

    @Test
    void anEncryptedKeyIsAskedForOnTheTerminalEvenWhenTheAgentRuns() throws Exception {
        agentRunning();
        Path encrypted = dir.resolve("uma/userkey-for-agent.pem");
        Run enc = tool(Map.of(), null, "openssl", "rsa", "-in", dir.resolve("uma/userkey.pem").toString(), "-aes256",
                "-passout", "pass:agent horse", "-out", encrypted.toString());
        assertEquals(0, enc.exit(), enc.toString());
        Map<String, String> env = new HashMap<>(user("uma"));
        env.put("X509_USER_KEY", encrypted.toString());
        Run typed = tool(env, "agent horse\n", "script", "-qec", LAUNCHER + " whoami", "/dev/null");
        assertEquals(0, typed.exit(), typed.toString());
        assertTrue(typed.out().contains("Enter GRID pass phrase"), typed.out());
        assertTrue(typed.out().contains("identity: " + dn("Uma")), typed.out());
    }

    @Test
    void theAgentAnswersNoOtherUser() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.err.println("SKIPPED: connecting as another user needs root");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(root, "needs root to act as another user: test SKIPPED, not passed");
        agentRunning();
        Path agents = dir.resolve("home/.cache/sandgate/agent");
        Path socket;
        try (var files = Files.list(agents)) {
            socket = files.filter(f -> f.toString().endsWith(".sock")).findFirst().orElseThrow();
        }
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(agents)));
        // open the door the directory keeps shut, to see the agent's own check of the peer's user id
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path p = agents; !p.equals(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            Path client = LAUNCHER.getParent().getParent().resolve("libexec/sandgate-agent-client");
            // the agent refuses before reading the request: the client must read that answer even when its
            // own write loses the race against the agent's close (tried many times)
            for (int attempt = 0; attempt < 40; attempt++) {
                Run other = tool(Map.of("SANDGATE_AGENT_SOCKET", socket.toString()), null, "runuser", "-u", "nobody", "--",
                        "perl", client.toString(), "/bin/false", "whoami");
                assertEquals(2, other.exit(), "attempt " + attempt + ": " + other);
                assertTrue(other.err().contains("this agent serves root only"), other.err());
            }
        } finally {
            Files.setPosixFilePermissions(agents, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void agentStopEndsTheAgentAndTheNextCommandStillAnswers() throws Exception {
        agentRunning();
        assertEquals(0, sandgate(Map.of(), "agent", "stop").exit());
        Run status = Await.value(Duration.ofSeconds(20), () -> sandgate(Map.of(), "agent", "status"), r -> r.exit() != 0);
        assertTrue(status.out().contains("no agent is running"), status.toString());
        Run who = sandgate(user("uma"), "whoami");
        assertEquals(0, who.exit(), who.toString());
        assertTrue(who.out().contains("identity: " + dn("Uma")), who.out());
    }

    @Test
    void aCommandWhoseCallerIsGoneStopsInTheAgent() throws Exception {
        agentRunning();
        Run started = sandgate(user("uma"), "call", "sleepy.add", "60", "1", "1");
        String id = started.out().lines().findFirst().orElseThrow().replaceAll("session ([0-9a-f]{32}).*", "$1");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "watch", id).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("X509_USER_PROXY");
        isolateAgent(pb.environment());
        pb.environment().putAll(user("uma"));
        Process watch = pb.start();
        java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream(),
                StandardCharsets.UTF_8));
        String first = lines.readLine();
        while (first != null && first.contains("QUEUED")) {
            first = lines.readLine(); // on a busy host the job may wait its turn first
        }
        assertTrue(first != null && first.contains("RUNNING"), String.valueOf(first));
        assertTrue(sandgate(Map.of(), "agent", "status").out().contains("commands running: 1"));
        watch.destroy();
        assertTrue(watch.waitFor(10, TimeUnit.SECONDS));
        String status = Await.value(Duration.ofSeconds(10), () -> sandgate(Map.of(), "agent", "status").out(),
                out -> out.contains("commands running: 0"));
        assertTrue(status.contains("commands running: 0"), "the watch still runs in the agent: " + status);
        assertEquals(0, sandgate(user("uma"), "cancel", id).exit());
    }

    @Test
    void malformedRequestsToTheAgentAreDroppedAndItKeepsServing() throws Exception {
        agentRunning();
        Path socket;
        try (var files = Files.list(dir.resolve("home/.cache/sandgate/agent"))) {
            socket = files.filter(f -> f.toString().endsWith(".sock")).findFirst().orElseThrow();
        }
        List<byte[]> hostile = List.of(
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},           // a length of -1
                new byte[] {0x7f, 0, 0, 0},                                                 // 2 GiB announced
                withLength("GET / HTTP/1.1\r\n\r\n"),                                   // not the protocol
                withLength("sandgate-agent/1\0run\0relative/dir\0" + "0\0" + "0\0whoami"), // relative cwd
                withLength("sandgate-agent/1\0run\0/\0" + "0\0" + "999\0whoami"),     // env count past the end
                withLength("sandgate-agent/1\0format-disk\0/\0" + "0\0" + "0"),         // unknown verb
                new byte[] {0, 0, 0, 50, 's', 'a'});                                        // ends early
        for (byte[] request : hostile) {
            try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(socket))) {
                c.write(java.nio.ByteBuffer.wrap(request));
                c.shutdownOutput();
                java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
                assertEquals(-1, c.read(answer), "nothing is run for a malformed request");
            }
        }
        Run who = sandgate(user("uma"), "whoami");
        assertEquals(0, who.exit(), who.toString());
        assertTrue(who.out().contains("identity: " + dn("Uma")), who.out());
        assertTrue(sandgate(Map.of(), "agent", "status").out().contains("commands running: 0"));
    }

    private static byte[] withLength(String payload) {
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }
}
