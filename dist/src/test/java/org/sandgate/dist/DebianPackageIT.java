package org.sandgate.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Debian package as an administrator uses it: installed with apt-get, started as its account
 * with a site's grid files at /etc/grid-security (a test site's, bind-mounted over that path in a
 * mount namespace of the server's own, so the host's files stay as they are), asked whoami with curl,
 * removed (configuration and state stay) and purged (they go). It changes the host: run it under
 * {@code flock /tmp/sandgate-host.lock}.
 */
class DebianPackageIT {
    private static final Path TARGET = Path.of(System.getProperty("sandgate.test.deb.directory"));
    private static final String VERSION = System.getProperty("sandgate.test.version");

    private Path site;
    private boolean accountExisted;
    private Process server;

    @BeforeEach
    void debianAsRoot() throws Exception {
        boolean debian = Files.isExecutable(Path.of("/usr/bin/apt-get")) && Files.isExecutable(Path.of("/usr/bin/dpkg"));
        if (!Shell.ROOT || !debian) {
            System.out.println("SKIPPED: DebianPackageIT needs root on Debian (apt-get, dpkg) to install the package");
        }
        assumeTrue(Shell.ROOT && debian, "SKIPPED: installing a Debian package needs root on Debian");
        accountExisted = root("getent passwd sandgate").exit() == 0;
        if (installed()) {
            assertEquals(0, root("apt-get purge -y -q sandgate").exit(), "a sandgate package left installed");
        }
        site = Files.createTempDirectory("sandgate-site");
        Files.setPosixFilePermissions(site, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void uninstall() throws Exception {
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            server.waitFor();
        }
        if (site == null) {
            return;
        }
        if (installed()) {
            root("apt-get purge -y -q sandgate");
        }
        if (!accountExisted) {
            root("userdel sandgate; groupdel sandgate 2>/dev/null; true");
        }
        root("rm -rf " + site);
    }

    @Test
    void lintianReportsNoErrors() throws Exception {
        assertTrue(root("command -v lintian").exit() == 0,
                "lintian is not installed: apt-get install lintian (.ci/run installs it)");
        Shell.Result lint = root("lintian --tag-display-limit 0 " + deb());
        List<String> errors = lint.out().lines().filter(l -> l.startsWith("E: ")).toList();
        assertEquals(List.of(), errors, lint.toString());
        assertTrue(lint.exit() == 0 || !lint.out().isBlank(), "lintian did not run: " + lint);
    }

    @Test
    void installedPackageServesAsItsAccountAndPurgeRemovesItsFiles() throws Exception {
        Shell.Result install = root("apt-get install -y -q --no-install-recommends ./" + deb().getFileName(), TARGET);
        assertEquals(0, install.exit(), install.toString());

        // the account, its directories, the files' owners
        Shell.Result account = root("getent passwd sandgate");
        assertEquals(0, account.exit(), "postinst made no account sandgate");
        int uid = Integer.parseInt(account.out().split(":")[2]);
        assertTrue(uid < 1000, "sandgate is a system account: " + account.out());
        assertTrue(account.out().strip().endsWith(":/var/lib/sandgate:/usr/sbin/nologin"), account.out());
        assertEquals("sandgate sandgate 700", stat("/var/lib/sandgate"));
        assertEquals("sandgate adm 2750", stat("/var/log/sandgate"));
        assertEquals("root sandgate 2775", stat("/etc/sandgate/services"));
        Path wrapper = Path.of("/usr/share/sandgate/libexec/sandgate-job-wrapper");
        assertEquals("root root 755", stat(wrapper.toString()));
        assertTrue(root("dpkg-query -W -f='${Conffiles}' sandgate").out().contains("/etc/sandgate/sandgate.yaml"),
                "sandgate.yaml is a conffile");
        assertEquals(Path.of("/usr/share/sandgate/bin/sandgate-server"), Path.of("/usr/bin/sandgate-server").toRealPath(),
                "the launcher in /usr/bin");
        Shell.Result version = root("/usr/bin/sandgate-server --version && /usr/bin/sandgate --version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().lines().allMatch(l -> l.endsWith(VERSION)), version.toString());
        // Debian's spelling of the same version: a pre-release sorts before the release with "~"
        assertEquals(VERSION.replace('-', '~'), root("dpkg-query -W -f='${Version}' sandgate").out());

        // the unit, as systemd would load it (systemd is not PID 1 here: it is verified, not started)
        Shell.Result verify = root("systemd-analyze verify /lib/systemd/system/sandgate.service");
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals("", verify.err().lines().filter(l -> l.contains("sandgate.service")).reduce("", String::concat),
                verify.toString());

        // a test site's grid files, as a site keeps them in /etc/grid-security
        String gridSecurity = root("ls -lA --time-style=full-iso /etc/grid-security; stat -c '%a %U %G %y' /etc/grid-security").out();
        Path grid = site.resolve("grid-security");
        Path ca = site.resolve("ca");
        Path user = site.resolve("user");
        Shell.Result made = root(String.join(" && ",
                "sandgate-server ca init --dir " + ca + " --subject '/O=Package Test/CN=Package Test CA'",
                "sandgate-server ca host --ca " + ca + " --cn localhost --out " + grid,
                "sandgate-server ca user --ca " + ca + " --cn 'Pat Admin' --out " + user + " --gridmap "
                        + grid.resolve("grid-mapfile") + " --account nobody",
                "sandgate-server ca install --ca " + ca + " --trust-dir " + grid.resolve("certificates"),
                "chmod -R go+rX " + grid,
                "chgrp sandgate " + grid.resolve("hostkey.pem"), "chmod 640 " + grid.resolve("hostkey.pem")));
        assertEquals(0, made.exit(), made.toString());

        int port = freePort();
        Path output = site.resolve("server.out");
        server = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "bash", "-c",
                "mount --bind " + grid + " /etc/grid-security && exec runuser -u sandgate -- /usr/bin/sandgate-server run"
                        + " --conf /etc/sandgate --data /var/lib/sandgate --https-port " + port + " --http-port 0")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        String curl = "curl -sS --max-time 10 --cacert " + ca.resolve("ca.pem") + " ";
        String healthCheck = curl + "https://localhost:" + port + "/health";
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (root(healthCheck).exit() != 0 && server.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(300);
        }
        Shell.Result health = root(healthCheck);
        assertTrue(health.out().contains("\"version\":\"" + VERSION + "\""), "/health says the build's version: " + health);
        Shell.Result whoami = root(curl + "--cert " + user.resolve("usercert.pem") + " --key " + user.resolve("userkey.pem")
                + " https://localhost:" + port + "/api/v1/whoami");
        assertEquals(0, whoami.exit(), whoami + "\nserver:\n" + Files.readString(output));
        assertTrue(whoami.out().contains("CN=Pat Admin") && whoami.out().contains("\"account\":\"nobody\"")
                && whoami.out().contains("\"strong\""), whoami.toString());
        assertTrue(root("test -s /var/log/sandgate/sandgate.log && stat -c %U /var/log/sandgate/sandgate.log")
                .out().strip().equals("sandgate"), "the log is in /var/log/sandgate, the account's");
        ProcessHandle java = Stream.concat(Stream.of(server.toHandle()), server.descendants())
                .filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow();
        assertEquals("sandgate", java.info().user().orElse(""), "the server runs as the packaged account");
        assertEquals(0, root("kill -TERM " + java.pid()).exit());
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");

        // remove keeps configuration, state and logs; purge removes them
        Shell.Result remove = root("apt-get remove -y -q sandgate");
        assertEquals(0, remove.exit(), remove.toString());
        assertFalse(Files.exists(wrapper), "remove left the program files");
        assertTrue(Files.isRegularFile(Path.of("/etc/sandgate/sandgate.yaml")), "remove keeps the configuration");
        assertTrue(Files.isRegularFile(Path.of("/var/lib/sandgate/state/sessions.db")), "remove keeps the state");
        assertTrue(Files.isDirectory(Path.of("/var/log/sandgate")), "remove keeps the logs");
        Shell.Result purge = root("apt-get purge -y -q sandgate");
        assertEquals(0, purge.exit(), purge.toString());
        for (String gone : new String[] {"/etc/sandgate", "/var/lib/sandgate", "/var/log/sandgate"}) {
            assertFalse(Files.exists(Path.of(gone)), "purge left " + gone);
        }
        assertEquals(gridSecurity, root("ls -lA --time-style=full-iso /etc/grid-security; stat -c '%a %U %G %y' /etc/grid-security").out(),
                "the host's /etc/grid-security is as it was");
    }

    private static Path deb() throws IOException {
        try (var files = Files.list(TARGET)) {
            return files.filter(f -> f.getFileName().toString().matches("sandgate_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no sandgate_*_all.deb in " + TARGET));
        }
    }

    /** Installed, or removed with its configuration left. */
    private static boolean installed() throws IOException, InterruptedException {
        Shell.Result status = root("dpkg-query -W -f='${db:Status-Status}' sandgate 2>/dev/null");
        return status.exit() == 0 && !status.out().strip().equals("not-installed");
    }

    private static String stat(String path) throws IOException, InterruptedException {
        return root("stat -c '%U %G %a' " + path).out().strip();
    }

    private static Shell.Result root(String script) throws IOException, InterruptedException {
        return root(script, Path.of("/"));
    }

    private static Shell.Result root(String script, Path dir) throws IOException, InterruptedException {
        return Shell.run(dir, List.of("bash", "-c", script));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
