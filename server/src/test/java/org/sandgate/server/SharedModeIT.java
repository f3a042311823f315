package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sandgate.server.plugins.BatchLab;
import org.sandgate.server.plugins.RaceLab;
import org.sandgate.server.testkit.Https;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * Shared mode end to end: the server runs from its launcher as its own unprivileged account, and
 * runs jobs as the mapped accounts through sudo and the job wrapper, with the documented sudoers
 * line. Real accounts, real sudo, real Slurm. The accounts and the sudoers rule exist for the
 * duration of the test: made at the start (after removing what a run that died left behind) and
 * removed at the end. Run it under {@code flock /tmp/sandgate-host.lock}: it changes the host.
 *
 * <p>The hostile-job tests, run against the code before the job-boundary work (ported only by
 * dropping the {@code jobs} key that code does not know), fail there: the swapped sandbox served the
 * signing key; a job listed the data directory and saw every process; the server's logs, deployed
 * services and state were readable by others; sudo's command line showed the session id; cancel
 * and the wall-clock limit left double-forked sleepers; the fork bomb left 436 processes;
 * planted links and FIFOs failed the victim's job. (oneAccountsJobCannotReadAnothersSandbox failed
 * there only on its message: the read was refused by permissions, not by containment.) The tests
 * that predate that work pass there too. The tests of batch job names, the hand-over race and
 * file arguments say in their own comments how the code before them failed.
 */
@Isolated("makes accounts and a sudoers rule on the host")
@Tag("batch")
class SharedModeIT {
    static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    static final Path WRAPPER = Path.of("..", "libexec", "sandgate-job-wrapper").toAbsolutePath().normalize();
    static final Path SUDOERS = Path.of("/etc/sudoers.d/sandgate-test");
    static final String SERVER = "sgserver";
    static final List<String> ACCOUNTS = List.of(SERVER, "sgalice", "sgbob", "sgsys");

    static Path dir;
    static TestPki pki;
    static TestPki.Credential alice;
    static TestPki.Credential bob;
    static TestPki.Credential sys;
    static int port;
    static final List<Process> started = new ArrayList<>();
    static boolean hostChanged;

    @BeforeAll
    static void start() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version"));
        if (!root) {
            System.err.println("SKIPPED: shared mode tests need root on Debian to make accounts and a sudoers rule");
        }
        assumeTrue(root, "shared mode needs root on Debian to set up: test SKIPPED, not passed");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is not installed: apt-get install sudo");
        BatchSystems.require("slurm");
        BatchSystems.require("pbs");
        hostChanged = true;
        removeAccountsAndRule();
        account(SERVER, "--system");
        account("sgalice");
        account("sgbob");
        account("sgsys", "--system");
        Files.writeString(SUDOERS, SERVER + " ALL=(sgalice,sgbob,sgsys) NOPASSWD: " + WRAPPER + "\n");
        Files.setPosixFilePermissions(SUDOERS, PosixFilePermissions.fromString("r--r-----"));
        Tools.Result check = Tools.run(Path.of("/"), null, "visudo", "-c", "-f", SUDOERS.toString());
        assertEquals(0, check.exit(), check.toString());
        requireACheckoutTheServerAccountCanUse();

        dir = Files.createTempDirectory("sandgate-shared");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        pki = TestPki.create(dir.resolve("site"));
        alice = pki.strongUser("Alice");
        bob = pki.strongUser("Bob");
        sys = pki.strongUser("Sys");
        pki.map(alice.dn(), "sgalice");
        pki.map(bob.dn(), "sgbob");
        pki.map(sys.dn(), "sgsys");
        Path services = pki.conf.resolve("services");
        PluginJar.build(services.resolve("local-lab.jar"), BatchLab.OnLocal.class, BatchLab.class);
        PluginJar.build(services.resolve("slurm-lab.jar"), BatchLab.OnSlurm.class, BatchLab.class);
        PluginJar.build(services.resolve("pbs-lab.jar"), BatchLab.OnPbs.class, BatchLab.class);
        PluginJar.build(services.resolve("race-lab.jar"), RaceLab.class);
        Files.writeString(services.resolve("hostile.yaml"), JobContainmentIT.SERVICE);
        pki.config(pki.baseConfig() + """
                mode: shared
                shared:
                  check_account: sgalice
                server:
                  bind: 127.0.0.1
                batch:
                  poll_seconds: 0.5
                  services: {lab.slurm: slurm, lab.pbs: pbs}
                  pbs:
                    bin_dir: %s
                  local: {slots: 2}
                jobs:
                  containment: bwrap
                  limits:
                    strong: {processes: 64, file_bytes: 1048576}
                """.formatted(BatchSystems.PBS_BIN));
        assertEquals(0, Tools.run(dir, null, "chown", "-R", SERVER, dir.toString()).exit());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        awaitHealth(launch(pki.conf, dir.resolve("var"), port), port);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        if (dir != null) {
            Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
        }
        if (hostChanged) {
            removeAccountsAndRule();
            for (String name : ACCOUNTS) {
                assertFalse(Tools.run(Path.of("/"), null, "id", "-u", name).exit() == 0, name + " was not removed");
            }
            assertFalse(Files.exists(SUDOERS), SUDOERS + " was not removed");
        }
    }

    /**
     * Removes the test's accounts (ending their processes first, by pid) and its sudoers rule; does
     * nothing for what is not there, so it also cleans up after a run that died.
     */
    static void removeAccountsAndRule() throws Exception {
        Files.deleteIfExists(SUDOERS);
        for (String name : ACCOUNTS) {
            if (Tools.run(Path.of("/"), null, "id", "-u", name).exit() != 0) {
                continue;
            }
            List<ProcessHandle> theirs = ProcessHandle.allProcesses()
                    .filter(p -> p.info().user().map(name::equals).orElse(false)).toList();
            theirs.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle p : theirs) {
                p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            Tools.Result r = Tools.run(Path.of("/"), null, "userdel", name);
            assertEquals(0, r.exit(), "userdel " + name + ": " + r);
        }
    }

    /**
     * Shared mode refuses a job wrapper that anyone but root may change, and the server's account
     * must read the build: a checkout root does not own (or that others cannot read) cannot run this
     * test, and the failure says so at once instead of as a server that does not come up.
     */
    static void requireACheckoutTheServerAccountCanUse() throws Exception {
        PosixFileAttributes wrapper = Files.readAttributes(WRAPPER, PosixFileAttributes.class);
        boolean changeable = wrapper.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                || wrapper.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        assertTrue(wrapper.owner().getName().equals("root") && !changeable, "shared mode cannot be tested from this "
                + "checkout: the job wrapper " + WRAPPER + " belongs to " + wrapper.owner().getName() + " (mode "
                + PosixFilePermissions.toString(wrapper.permissions()) + "), and the server refuses, by design, a "
                + "wrapper that anyone but root may change; run the tests from a checkout that root owns, with files "
                + "others may read (e.g. a copy made by root)");
        Path jar = LAUNCHER.getParent().getParent().resolve("server").resolve("target").resolve("sandgate-server.jar");
        for (Path needed : List.of(LAUNCHER, jar, WRAPPER)) {
            Tools.Result r = Tools.run(Path.of("/"), null, "runuser", "-u", SERVER, "--", "test", "-r", needed.toString());
            assertEquals(0, r.exit(), "shared mode cannot be tested from this checkout: the server's account "
                    + SERVER + " cannot read " + needed + " (the checkout and its parent directories must be readable "
                    + "and searchable by others)");
        }
    }

    static void account(String name, String... options) throws Exception {
        if (Tools.run(Path.of("/"), null, "id", "-u", name).exit() == 0) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin"));
        argv.addAll(List.of(options));
        argv.add(name);
        Tools.Result r = Tools.run(Path.of("/"), null, argv.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
    }

    static Process launch(Path conf, Path data, int httpsPort) throws IOException {
        Process p = new ProcessBuilder("runuser", "-u", SERVER, "--", LAUNCHER.toString(), "run", "--conf",
                conf.toString(), "--data", data.toString(), "--https-port", String.valueOf(httpsPort), "--http-port", "0")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile())).start();
        started.add(p);
        return p;
    }

    /** Waits for the server to answer; fails at once, with its output, if it exits instead. */
    static void awaitHealth(Process server, int httpsPort) throws Exception {
        Https https = new Https(alice, pki.strong.certificate());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited with status " + server.exitValue() + " instead of "
                        + "starting:\n" + Files.readString(dir.resolve("server.out")));
            }
            try {
                if (https.get(URI.create("https://localhost:" + httpsPort + "/health")).status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("server did not come up: " + Files.readString(dir.resolve("server.out")));
    }

    static Https.Reply send(TestPki.Credential who, HttpRequest.Builder request) throws Exception {
        return new Https(who, pki.strong.certificate()).send(request.build());
    }

    static URI url(String path) {
        return URI.create("https://localhost:" + port + path);
    }

    static Https.Reply call(TestPki.Credential who, String service, String method, String args) throws Exception {
        return send(who, HttpRequest.newBuilder(url("/api/v1/services/lab/" + service + "/" + method))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"args\": " + args + "}")));
    }

    static String started(TestPki.Credential who, String service, String method, String args) throws Exception {
        Https.Reply r = call(who, service, method, args);
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    static JsonNode waitFor(TestPki.Credential who, String id, List<String> states) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        JsonNode s = send(who, HttpRequest.newBuilder(url("/api/v1/sessions/" + id))).json();
        while (!states.contains(s.path("state").asText()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            s = send(who, HttpRequest.newBuilder(url("/api/v1/sessions/" + id))).json();
        }
        return s;
    }

    static Path sandbox(String id) {
        return SandboxPaths.of(dir.resolve("var"), id);
    }

    static String output(TestPki.Credential who, String id) throws Exception {
        Https.Reply r = send(who, HttpRequest.newBuilder(url("/sandbox/" + id + "/stdout")));
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    @Test
    void jobsRunAsTheMappedAccountInSandboxesThatAccountOwns() throws Exception {
        for (TestPki.Credential who : List.of(alice, bob)) {
            String account = who == alice ? "sgalice" : "sgbob";
            String id = started(who, "local", "argv", "[\"$(id)\"]");
            JsonNode end = waitFor(who, id, List.of("DONE", "FAILED"));
            assertEquals("DONE", end.path("state").asText(), end.toString());
            assertEquals("$(id)|second|" + account + "\nfrom the service\nblue", output(who, id),
                    "the job runs as " + account + " and reads what the service wrote");
            PosixFileAttributes a = Files.readAttributes(sandbox(id), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertEquals(account, a.owner().getName());
            assertEquals(SERVER, a.group().getName());
            assertEquals("rwxrwx---", PosixFilePermissions.toString(a.permissions()));
        }
    }

    @Test
    void oneAccountsJobCannotReadAnothersSandbox() throws Exception {
        String secret = started(alice, "local", "argv", "[\"alice's secret\"]");
        assertEquals("DONE", waitFor(alice, secret, List.of("DONE", "FAILED")).path("state").asText());
        String peek = started(bob, "local", "peek", "[\"" + secret + "\"]");
        JsonNode end = waitFor(bob, peek, List.of("DONE", "FAILED"));
        assertEquals("FAILED", end.path("state").asText(), end.toString());
        assertNotEquals(0, end.path("exit_code").asInt());
        String err = Files.readString(sandbox(peek).resolve("stderr"));
        assertTrue(err.contains("No such file or directory"), "contained, the other sandbox is not even there: " + err);
        assertEquals("", Files.readString(sandbox(peek).resolve("stdout")));
        assertTrue(output(alice, secret).startsWith("alice's secret|"), "the server still serves it to its owner");
    }

    @Test
    void slurmJobsAreSubmittedAsTheMappedAccount() throws Exception {
        String id = started(alice, "slurm", "argv", "[\"on slurm\"]");
        JsonNode end = waitFor(alice, id, List.of("DONE", "FAILED"));
        assertEquals("DONE", end.path("state").asText(), end.toString());
        assertEquals("on slurm|second|sgalice\nfrom the service\nblue", output(alice, id));
        String user = Tools.run(Path.of("/"), null, "squeue", "-h", "-t", "all", "-j", end.path("backend_job_id").asText(),
                "-o", "%u").out().strip();
        assertEquals("sgalice", user, "Slurm sees the job as the account's own");
    }

    @Test
    void systemAccountsAreRefused() throws Exception {
        Https.Reply r = call(sys, "local", "argv", "[\"x\"]");
        assertEquals(403, r.status(), r.body());
        assertEquals("not_authorized", r.error());
    }

    @Test
    void cancellingKillsTheJobAndRemovesTheSandboxAsItsAccount() throws Exception {
        String id = started(bob, "local", "sleep", "[271]");
        assertEquals("RUNNING", waitFor(bob, id, List.of("RUNNING")).path("state").asText());
        Instant started = Instant.now().plusSeconds(10);
        while (Tools.run(Path.of("/"), null, "pgrep", "-u", "sgbob", "-f", "sleep 271").exit() != 0
                && Instant.now().isBefore(started)) {
            Thread.sleep(100);
        }
        assertTrue(Tools.run(Path.of("/"), null, "pgrep", "-u", "sgbob", "-f", "sleep 271").exit() == 0,
                "the job runs as its account");
        assertEquals(204, send(bob, HttpRequest.newBuilder(url("/api/v1/sessions/" + id)).DELETE()).status());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Tools.run(Path.of("/"), null, "pgrep", "-u", "sgbob", "-f", "sleep 271").exit() == 0
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertFalse(Tools.run(Path.of("/"), null, "pgrep", "-u", "sgbob", "-f", "sleep 271").exit() == 0,
                "the job was killed");
        assertFalse(Files.exists(sandbox(id)), "the sandbox was removed");
    }

    @Test
    void theServerRefusesToStartWhenSudoCannotRunTheWrapper() throws Exception {
        Path other = dir.resolve("other");
        TestPki second = TestPki.create(other);
        second.config("mode: shared\nshared:\n  check_account: nobody\nserver:\n  bind: 127.0.0.1\n");
        assertEquals(0, Tools.run(dir, null, "chown", "-R", SERVER, other.toString()).exit());
        Process p = new ProcessBuilder("runuser", "-u", SERVER, "--", LAUNCHER.toString(), "run", "--conf",
                second.conf.toString(), "--data", other.resolve("var").toString(), "--https-port", "0", "--http-port", "0")
                .redirectErrorStream(true).start();
        started.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("sudo does not let") && out.contains("NOPASSWD: " + WRAPPER), out);
    }

    @Test
    void theServersFilesAreItsAccountsAloneAndTheDataDirectoryOnlyLetsAccountsPass() throws Exception {
        String id = started(alice, "local", "argv", "[\"x\"]");
        waitFor(alice, id, List.of("DONE", "FAILED"));
        Path data = dir.resolve("var");
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rwx-wx-wx", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("sandboxes"))),
                "the sandbox root as designed (3733)");
        List<String> reachable = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> all = Files.walk(data)) {
            all.filter(p -> !p.equals(data) && !p.startsWith(data.resolve("sandboxes"))).forEach(p -> {
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    if (!mode.endsWith("------")) {
                        reachable.add(data.relativize(p) + " " + mode);
                    }
                } catch (java.io.IOException e) {
                    reachable.add(p + " " + e);
                }
            });
        }
        assertEquals(List.of(), reachable, "files and directories of the server that other accounts could reach");
    }

    @Test
    void aJobThatSwapsItsSandboxForALinkToTheServersStateReadsNothingThroughIt() throws Exception {
        Path state = dir.resolve("var").resolve("state");
        // a contained job cannot move its sandbox (a mount point in its namespace); the account's own
        // shell, outside any container, can
        String id = started(alice, "hostile", "run",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("script", "true")));
        JsonNode end = waitFor(alice, id, List.of("DONE", "FAILED"));
        Path d = sandbox(id);
        asAccount("sgalice", "sh", "-c", "cd / && mv \"$0\" \"$0.moved\" && ln -s \"$1\" \"$0\"", d.toString(),
                state.toString());
        assertTrue(Files.isSymbolicLink(sandbox(id)), "sgalice swapped the sandbox: " + end);
        String key = Files.readString(state.resolve("token-signing-key.jwk"));
        for (String path : List.of("token-signing-key.jwk", "", "sessions.db", "?archive=zip")) {
            Https.Reply r = send(alice, HttpRequest.newBuilder(url("/sandbox/" + id + "/" + path)));
            assertEquals(404, r.status(), path + " -> " + r.body());
            assertFalse(r.body().contains(key.substring(0, 20)) || r.body().contains("sessions.db"), path + " leaked");
        }
        Https.Reply status = send(alice, HttpRequest.newBuilder(url("/api/v1/sessions/" + id)));
        assertFalse(status.body().contains("token-signing-key"), status.body());
    }

    // --- the job boundary: hostile jobs, played for real, as the mapped accounts

    static String hostile(TestPki.Credential who, String method, String script) throws Exception {
        Https.Reply r = send(who, HttpRequest.newBuilder(url("/api/v1/services/lab/hostile/" + method))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                                java.util.Map.of("args", List.of(script))))));
        assertEquals(201, r.status(), r.body());
        return r.json().path("session").asText();
    }

    static int delete(TestPki.Credential who, String id) throws Exception {
        return send(who, HttpRequest.newBuilder(url("/api/v1/sessions/" + id)).DELETE()).status();
    }

    static String asAccount(String account, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", account, "--"));
        cmd.addAll(List.of(argv));
        Tools.Result r = Tools.run(Path.of("/"), null, cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r.out();
    }

    @Test
    void aJobCannotReachTheServersKeysItsConfigurationOrAnotherAccountsSandbox() throws Exception {
        String secret = started(bob, "local", "argv", "[\"bob's secret\"]");
        assertEquals("DONE", waitFor(bob, secret, List.of("DONE", "FAILED")).path("state").asText());
        Path data = dir.resolve("var");
        Path key = data.resolve("state").resolve("token-signing-key.jwk");
        Path hostKey = pki.conf.resolve("hostkey.pem");
        Path theirs = sandbox(secret).resolve("stdout");
        for (Path p : List.of(key, hostKey, theirs)) {
            assertTrue(Files.isRegularFile(p), p + " exists for the job to try");
        }
        String id = hostile(alice, "run", "for f in '" + key + "' '" + hostKey + "' '" + theirs + "'; do "
                + "if head -c 1 \"$f\" > /dev/null 2>&1; then echo \"READ $f\"; else echo \"DENIED $f\"; fi; done; "
                + "echo LISTING; ls -A '" + data + "' '" + data.resolve("sandboxes") + "' '" + pki.conf + "' 2>&1; "
                + "echo procs $(ls -d /proc/[0-9]* | wc -l)");
        assertEquals("DONE", waitFor(alice, id, List.of("DONE", "FAILED")).path("state").asText());
        String out = output(alice, id);
        assertFalse(out.contains("READ"), out);
        assertEquals(3, out.lines().filter(l -> l.startsWith("DENIED")).count(), out);
        String listing = out.substring(out.indexOf("LISTING"));
        assertFalse(listing.contains(secret) || listing.contains("state") || listing.contains("hostcert.pem"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("procs [1-9]")), "the job sees only its own processes: " + out);
    }

    @Test
    void cancelAndTheWallClockLimitEndEveryProcessOfASharedModeJob() throws Exception {
        long base = 5_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000) * 10L;
        String id = hostile(alice, "run", JobContainmentIT.escapers(base));
        for (int i = 1; i <= 5; i++) {
            JobContainmentIT.awaitProcesses("sleep " + (base + i), 1);
        }
        assertEquals(204, delete(alice, id));
        for (int i = 1; i <= 5; i++) {
            JobContainmentIT.awaitNone("sleep " + (base + i));
        }
        long limited = base + 100;
        String timed = hostile(alice, "short", JobContainmentIT.escapers(limited));
        JobContainmentIT.awaitProcesses("sleep " + (limited + 1), 1);
        assertEquals("FAILED", waitFor(alice, timed, List.of("DONE", "FAILED")).path("state").asText());
        for (int i = 1; i <= 5; i++) {
            JobContainmentIT.awaitNone("sleep " + (limited + i));
        }
    }

    @Test
    void noSessionIdIsInTheProcessListOfTheJobTheWrapperOrSudo() throws Exception {
        try (ProcessTable.Sampler sampler = new ProcessTable.Sampler(List.of("sudo", "sandgate-job", "bwrap", "sleep 4343"))) {
            String id = hostile(alice, "run", "sleep 4343");
            JobContainmentIT.awaitProcesses("sleep 4343", 1);
            for (ProcessTable.Entry e : ProcessTable.all()) {
                assertFalse(e.cmdline().contains(id), "a process list shows the session id: " + e);
            }
            assertEquals(204, delete(alice, id));
            JobContainmentIT.awaitNone("sleep 4343");
            Thread.sleep(200);
            assertTrue(sampler.seen().stream().anyMatch(c -> c.startsWith("/usr/bin/sudo") && c.contains(" run")),
                    "the sampler saw sudo start the job: " + sampler.seen());
            assertTrue(sampler.seen().stream().anyMatch(c -> c.startsWith("/usr/bin/sudo") && c.contains(" kill")),
                    "the sampler saw sudo cancel the job: " + sampler.seen());
            for (String c : sampler.seen()) {
                assertFalse(c.contains(id), "a process list showed the session id: " + c);
            }
        }
    }

    @Test
    void aForkBombIsBoundedAndAFileOverTheSizeLimitFailsWithEfbig() throws Exception {
        String bomb = hostile(alice, "short", "b() { b | b & }; b; sleep 10");
        int most = 0;
        Instant end = Instant.now().plusSeconds(4);
        while (Instant.now().isBefore(end)) {
            String count = Tools.run(Path.of("/"), null, "pgrep", "-c", "-u", "sgalice").out().strip();
            most = Math.max(most, count.isEmpty() ? 0 : Integer.parseInt(count));
            Thread.sleep(50);
        }
        assertTrue(most <= 64 + 6, "at most the process limit (64) and the runner's few: " + most);
        assertEquals("FAILED", waitFor(alice, bomb, List.of("DONE", "FAILED")).path("state").asText());
        // the limit ends the job's namespace; its last processes (and the runner, which may wait for
        // timeout's --kill-after) go within seconds of the state being stored
        String left = Tools.run(Path.of("/"), null, "pgrep", "-c", "-u", "sgalice").out().strip();
        Instant gone = Instant.now().plusSeconds(20);
        while (!left.equals("0") && Instant.now().isBefore(gone)) {
            Thread.sleep(200);
            left = Tools.run(Path.of("/"), null, "pgrep", "-c", "-u", "sgalice").out().strip();
        }
        assertEquals("0", left, "nothing of the bomb is left");

        String big = hostile(alice, "run", "python3 -c \"import signal, errno\n"
                + "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                + "f = open('big', 'wb')\n"
                + "try:\n    f.write(b'x' * 2000000); f.flush(); print('WROTE')\n"
                + "except OSError as e:\n    print(errno.errorcode[e.errno])\n\"");
        assertEquals("DONE", waitFor(alice, big, List.of("DONE", "FAILED")).path("state").asText());
        assertEquals("EFBIG\n", output(alice, big));
        assertTrue(Files.size(sandbox(big).resolve("big")) <= 1048576);
    }

    @Test
    void linksAndFifosAnAccountPlantsInAQueuedJobsFilesAreReplacedNotFollowed() throws Exception {
        Path target = dir.resolve("var").resolve("state").resolve("token-signing-key.jwk");
        String before = Files.readString(target);
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(target));
        String b1 = hostile(bob, "run", "sleep 600");
        String b2 = hostile(bob, "run", "sleep 600");
        waitFor(bob, b1, List.of("RUNNING"));
        waitFor(bob, b2, List.of("RUNNING"));
        String victim = hostile(alice, "run", "echo victim ran");
        String stuck = hostile(alice, "run", "echo stuck ran");
        Path vc = sandbox(victim).resolve(".sandgate");
        Path sc = sandbox(stuck).resolve(".sandgate");
        asAccount("sgalice", "ln", "-s", target.toString(), vc.resolve("argv").toString());
        asAccount("sgalice", "ln", "-s", target.toString(), vc.resolve("job.sh").toString());
        asAccount("sgalice", "mkfifo", sc.resolve("env").toString(), sc.resolve("argv").toString());
        assertEquals("QUEUED", waitFor(alice, victim, List.of("QUEUED")).path("state").asText());
        assertEquals(204, delete(bob, b1));
        assertEquals(204, delete(bob, b2));
        assertEquals("DONE", waitFor(alice, victim, List.of("DONE", "FAILED")).path("state").asText());
        assertEquals("DONE", waitFor(alice, stuck, List.of("DONE", "FAILED")).path("state").asText());
        assertEquals("victim ran\n", output(alice, victim));
        assertEquals(before, Files.readString(target), "the server's file is untouched");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));

        String fifo = hostile(alice, "run", "true");
        assertEquals("DONE", waitFor(alice, fifo, List.of("DONE", "FAILED")).path("state").asText());
        Path fc = sandbox(fifo).resolve(".sandgate");
        asAccount("sgalice", "rm", "-f", fc.resolve("env").toString());
        asAccount("sgalice", "mkfifo", fc.resolve("env").toString(), fc.resolve("pid-1").toString());
        Instant t0 = Instant.now();
        assertEquals(204, delete(alice, fifo));
        assertTrue(Duration.between(t0, Instant.now()).toSeconds() < 5, "DELETE did not stall");
        String next = hostile(bob, "run", "echo still going");
        assertEquals("DONE", waitFor(bob, next, List.of("DONE", "FAILED")).path("state").asText());
    }

    /**
     * Every local account may ask a batch system about every job, and read every process's command
     * line: none of it may show a session id (a capability: {@code /sandbox/ID} on the plain port).
     * Another ordinary account asks Slurm ({@code squeue}, {@code scontrol show job}, {@code sacct})
     * and the PBS commands ({@code qstat -f}, with its {@code Variable_List}) about a running job of
     * each, while the process table is read over and over from submission to cancel. (Before
     * sandboxes were named by a keyed hash, {@code squeue} showed the id as the job's name and in
     * its paths.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"slurm", "pbs"})
    void anotherAccountSeesNoSessionIdOfABatchJobInTheBatchSystemOrTheProcessList(String backend) throws Exception {
        try (ProcessTable.Sampler sampler = new ProcessTable.Sampler(List.of("sbatch", "qsub", "scancel", "qdel",
                "sudo", "slurm", "sandgate"))) {
            String id = started(alice, backend, "sleep", "[300]");
            JsonNode running = waitFor(alice, id, List.of("RUNNING", "DONE", "FAILED"));
            // on a busy node the job may still wait: it is as visible to others then
            assertTrue(List.of("RUNNING", "QUEUED").contains(running.path("state").asText())
                    && !running.path("backend_job_id").asText().isEmpty(), running.toString());
            String job = running.path("backend_job_id").asText();
            String name = sandbox(id).getFileName().toString();
            List<String> asked = new ArrayList<>();
            asked.add(asAccountAnyway("sgbob", "squeue", "--all", "--states=all", "--noheader", "--format=%all"));
            asked.add(asAccountAnyway("sgbob", "scontrol", "--details", "show", "job", job));
            asked.add(asAccountAnyway("sgbob", "scontrol", "show", "jobs"));
            asked.add(asAccountAnyway("sgbob", "sacct", "--allusers", "--jobs=" + job, "--format=ALL", "--parsable2"));
            if (backend.equals("pbs")) {
                asked.add(asAccountAnyway("sgbob", BatchSystems.PBS_BIN.resolve("qstat").toString(), "-f", job));
                asked.add(asAccountAnyway("sgbob", BatchSystems.PBS_BIN.resolve("qstat").toString(), "-a"));
            }
            String seen = String.join("\n", asked);
            assertTrue(seen.contains(job) && seen.contains(name), "the other account does see the job and its "
                    + "sandbox's name (so that what it sees is checked): " + seen);
            assertFalse(seen.contains(id), "the batch system shows another account the session id: " + seen);
            for (ProcessTable.Entry e : ProcessTable.all()) {
                assertFalse(e.cmdline().contains(id), "a process list shows the session id: " + e);
            }
            assertEquals(204, delete(alice, id));
            Thread.sleep(300);
            assertTrue(sampler.seen().stream().anyMatch(c -> c.contains(backend.equals("slurm") ? "sbatch" : "qsub")),
                    "the sampler saw the job submitted: " + sampler.seen());
            for (String c : sampler.seen()) {
                assertFalse(c.contains(id), "a process list showed the session id: " + c);
            }
        }
    }

    /** What a command run as an account prints, standard output and error, whatever its exit status. */
    static String asAccountAnyway(String account, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", account, "--"));
        cmd.addAll(List.of(argv));
        Tools.Result r = Tools.run(Path.of("/"), null, cmd.toArray(String[]::new));
        return String.join(" ", argv) + " -> " + r.exit() + "\n" + r.out() + r.err();
    }

    static final String HAND_OVER_ATTACKER = """
            import ctypes, os, sys, time
            libc = ctypes.CDLL(None, use_errno=True)
            AT_FDCWD, RENAME_EXCHANGE = -100, 2
            meet, state, stop, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
            boxf = os.path.join(meet, 'box')
            last, sessions, flips = None, 0, 0
            while not os.path.exists(stop):
                try:
                    box = open(boxf).read()
                except OSError:
                    box = last
                if box == last:
                    time.sleep(0.001)
                    continue
                last = box
                pairs = []
                for i in range(8):
                    # a directory of the account's own whose names are the server's state files, swapped
                    # again and again with a link to the server's state directory
                    d, l = os.path.join(box, 'd%%d' %% i), os.path.join(box, 'l%%d' %% i)
                    os.mkdir(d)
                    for n in names:
                        open(os.path.join(d, n), 'w').close()
                    os.symlink(state, l)
                    pairs.append((d.encode(), l.encode()))
                for i in range(4):
                    os.mkfifo(os.path.join(box, 'fifo%%d' %% i))
                for i in range(0, %d, 2):
                    p = os.path.join(box, 'in-%%d' %% i)
                    os.unlink(p)
                    os.symlink(os.path.join(state, names[i %% len(names)]), p)
                try:
                    # refused where fs.protected_hardlinks is on (Debian's default); tried all the same
                    os.link(os.path.join(box, 'in-1'), os.path.join(box, 'hard-in-1'))
                except OSError:
                    pass
                open(os.path.join(meet, 'go-' + os.path.basename(box)), 'w').close()
                sessions += 1
                while not os.path.exists(stop):
                    for a, b in pairs:
                        if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0:
                            flips += 1
                    try:
                        if open(boxf).read() != last:
                            break
                    except OSError:
                        pass
            print(sessions, flips)
            """.formatted(RaceLab.INPUTS);

    /** The mode of everything of the server's outside the sandboxes: what a followed chmod would change. */
    static java.util.Map<Path, String> modesOutsideSandboxes() throws IOException {
        Path data = dir.resolve("var");
        java.util.Map<Path, String> modes = new java.util.TreeMap<>();
        for (Path top : List.of(data, pki.conf)) {
            try (java.util.stream.Stream<Path> all = Files.walk(top)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    if (!p.startsWith(data.resolve("sandboxes")) && !p.toString().endsWith("-journal")) {
                        try {
                            modes.put(p, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
                        } catch (java.nio.file.NoSuchFileException gone) {
                            // a file the server replaced meanwhile
                        }
                    }
                }
            }
        }
        return modes;
    }

    /**
     * The server hands a new sandbox over to its account (read rights on what the service wrote)
     * while that account, knowing the sandbox, has put links to the server's state where the
     * service's inputs were, a hard link, FIFOs, and directories whose names are the state's files,
     * which it swaps with links to the state directory with {@code renameat2(RENAME_EXCHANGE)}
     * without a pause. Over many sessions and thousands of swaps nothing of the server's outside the
     * sandbox changes its mode and no call blocks. (Before hand-over went through descriptors,
     * {@code sessions.db}, its {@code -wal} and the signing key became {@code rw----r--}.)
     */
    @Test
    void handingASandboxOverNeverChangesAModeOutsideItWhileTheAccountSwapsLinksIn() throws Exception {
        Path state = dir.resolve("var").resolve("state");
        Path meet = Files.createDirectory(dir.resolve("meet"));
        assertEquals(0, Tools.run(Path.of("/"), null, "chmod", "1777", meet.toString()).exit());
        Path stop = dir.resolve("meet-stop");
        Path script = Files.writeString(dir.resolve("handover-attack.py"), HAND_OVER_ATTACKER);
        List<String> names;
        try (java.util.stream.Stream<Path> s = Files.list(state)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        java.util.Map<Path, String> before = modesOutsideSandboxes();
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", "sgalice", "--", "python3", script.toString(),
                meet.toString(), state.toString(), stop.toString()));
        argv.addAll(names);
        Path said = dir.resolve("handover-attack.out");
        Process attacker = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(said.toFile()).start();
        started.add(attacker);
        int sessions = 24;
        List<String> ids = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                assertTrue(attacker.isAlive(), "the attacker runs: " + Files.readString(said));
                Instant t0 = Instant.now();
                Https.Reply r = send(alice, HttpRequest.newBuilder(url("/api/v1/services/lab/race/handover"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"" + meet + "\"]}")));
                assertTrue(Duration.between(t0, Instant.now()).toSeconds() < 15, "the call did not block");
                if (r.status() == 201) {
                    ids.add(r.json().path("session").asText());
                } else {
                    failed.add(r.status() + " " + r.body());
                }
            }
        } finally {
            Files.writeString(stop, "");
        }
        assertTrue(attacker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the attacker stops");
        String[] counts = Files.readString(said).strip().split("\\s+");
        System.out.println("hand-over race: attacker sessions and swaps: " + String.join(" ", counts));
        java.util.Map<Path, String> after = modesOutsideSandboxes();
        List<String> changed = before.entrySet().stream().filter(e -> !e.getValue().equals(after.get(e.getKey())))
                .map(e -> e.getKey() + " " + e.getValue() + " -> " + after.get(e.getKey())).toList();
        assertEquals(List.of(), changed, "modes outside the sandboxes changed (attacker: " + String.join(" ", counts)
                + "; calls that failed: " + failed + ")");
        assertEquals(List.of(), failed, "every call was answered");
        assertTrue(counts.length == 2 && counts[0].equals(String.valueOf(sessions)) && Long.parseLong(counts[1]) >= 5000,
                "the account raced every hand-over with thousands of swaps: " + String.join(" ", counts));
        Path one = sandbox(ids.get(0));
        assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(one.resolve("in-3"))),
                "the service's own inputs are handed over; " + java.util.Arrays.toString(counts));
        for (String id : ids) {
            assertEquals("DONE", waitFor(alice, id, List.of("DONE", "FAILED")).path("state").asText());
        }
    }
}
