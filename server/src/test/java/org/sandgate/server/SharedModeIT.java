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
import org.sandgate.server.plugins.BatchLab;

/**
 * Shared mode end to end: the server runs from its launcher as its own unprivileged account, and
 * runs jobs as the mapped accounts through sudo and the job wrapper, with the documented sudoers
 * line. Real accounts, real sudo, real Slurm. The accounts and the sudoers rule exist for the
 * duration of the test: made at the start (after removing what a run that died left behind) and
 * removed at the end. Run it under {@code flock /tmp/sandgate-host.lock}: it changes the host.
 */
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
        Files.writeString(services.resolve("hostile.yaml"), """
                service: lab.hostile
                methods:
                  run:
                    arguments:
                      script: {type: string, max_length: 4000}
                    cost: "1"
                    command: [/bin/sh, -c, "{script}"]
                """);
        pki.config(pki.baseConfig() + """
                mode: shared
                shared:
                  check_account: sgalice
                server:
                  bind: 127.0.0.1
                batch:
                  poll_seconds: 0.5
                  services: {lab.slurm: slurm}
                """);
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
        return dir.resolve("var").resolve("sandboxes").resolve(id);
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
        assertTrue(err.contains("Permission denied"), err);
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
        String script = "d=\"$SANDGATE_SANDBOX\"; cd / && mv \"$d\" \"$d.moved\" && ln -s " + state + " \"$d\"";
        String id = started(alice, "hostile", "run",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("script", script)));
        JsonNode end = waitFor(alice, id, List.of("DONE", "FAILED"));
        assertTrue(Files.isSymbolicLink(sandbox(id)), "the job, as sgalice, swapped its sandbox: " + end);
        String key = Files.readString(state.resolve("token-signing-key.jwk"));
        for (String path : List.of("token-signing-key.jwk", "", "sessions.db", "?archive=zip")) {
            Https.Reply r = send(alice, HttpRequest.newBuilder(url("/sandbox/" + id + "/" + path)));
            assertEquals(404, r.status(), path + " -> " + r.body());
            assertFalse(r.body().contains(key.substring(0, 20)) || r.body().contains("sessions.db"), path + " leaked");
        }
        Https.Reply status = send(alice, HttpRequest.newBuilder(url("/api/v1/sessions/" + id)));
        assertFalse(status.body().contains("token-signing-key"), status.body());
    }
}
