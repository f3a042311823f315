package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sandgate.server.testkit.TestPki;
import org.sandgate.server.testkit.Tools;

/**
 * {@code bin/sandgate-server check} (and {@code run}) as an administrator meets them: every problem of
 * a site at once, each with its file and line, in plain words, and never a stack trace.
 */
class CheckCommandIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "sandgate-server").toAbsolutePath().normalize();
    private static final Path SHIPPED_CONF = Path.of("..", "conf").toAbsolutePath().normalize();
    private static final boolean ROOT = new UnixSystem().getUid() == 0;

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException {
        dir = Files.createTempDirectory("sandgate-check");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        Tools.run(Path.of("/"), null, "rm", "-rf", dir.toString());
    }

    /** The launcher, as an unprivileged account: nobody when the tests run as root. */
    private Tools.Result launch(String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.add(LAUNCHER.toString());
        argv.addAll(List.of(args));
        return Tools.run(dir, null, argv.toArray(new String[0]));
    }

    private TestPki brokenSite() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("""
                mode: personal
                tiers:
                  limits:
                    weak: lots
                sandbox:
                  retention: [1d, 2d]
                  publik: true
                server:
                  https_port: 70000
                tls:
                  trust_dir: no-such-dir
                \trefresh_interval: 5s
                """);
        Files.writeString(pki.conf.resolve("grid-mapfile"), "\"/O=Good/CN=User\" good\ngarbage here\n");
        Files.setPosixFilePermissions(pki.conf.resolve("hostkey.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        return pki;
    }

    private static void assertNoStackTrace(Tools.Result r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("Exception") || all.contains("\tat ") || all.contains("snakeyaml")
                || all.contains("jackson") || all.contains("while scanning"), r.toString());
    }

    @Test
    void checkReportsEveryProblemOfASiteAtOnceWithFileAndLine() throws Exception {
        TestPki pki = brokenSite();
        Tools.Result r = launch("check", "--conf", pki.conf.toString());
        assertEquals(2, r.exit(), r.toString());
        String yaml = pki.conf.resolve("sandgate.yaml").toString();
        for (String expected : List.of(
                yaml + " line 4: key 'tiers.limits.weak': expected a whole number, found 'lots'",
                yaml + " line 6: key 'sandbox.retention': a list is not a duration such as 500ms, 2s, 5m, 1h or 7d",
                yaml + " line 7: unknown key 'sandbox.publik'",
                yaml + " line 9: key 'server.https_port': 70000 is not a port (0 to 65535)",
                yaml + " line 12: a tab character: YAML indents with spaces only",
                "is accessible by others", "chmod 600",
                "trust directory " + pki.conf.resolve("no-such-dir") + " does not exist",
                "grid-mapfile " + pki.conf.resolve("grid-mapfile") + " line 2: 'garbage' is not a DN")) {
            assertTrue(r.err().contains(expected), "missing: " + expected + "\n" + r);
        }
        assertTrue(r.err().contains("sandgate.yaml: 5 problems"), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void runWithTheSameConfigurationPrintsEveryProblemAndExits2() throws Exception {
        TestPki pki = brokenSite();
        Tools.Result r = launch("run", "--conf", pki.conf.toString(), "--data", dir.resolve("var").toString(),
                "--https-port", "0", "--http-port", "0");
        assertEquals(2, r.exit(), r.toString());
        for (String expected : List.of("line 4: key 'tiers.limits.weak'", "line 6: key 'sandbox.retention'",
                "line 7: unknown key 'sandbox.publik'", "line 9: key 'server.https_port'", "line 12: a tab character")) {
            assertTrue(r.err().contains(expected), "missing: " + expected + "\n" + r);
        }
        assertNoStackTrace(r);
        assertFalse(Files.exists(dir.resolve("var")), "nothing is made for a configuration that is not usable");
    }

    @Test
    void checkOnTheShippedConfigurationSaysHowToMakeTheMissingHostCredential() throws Exception {
        Tools.Result r = launch("check", "--conf", SHIPPED_CONF.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.out().contains(SHIPPED_CONF.resolve("sandgate.yaml") + ": ok"), r.toString());
        assertTrue(r.err().contains("there is no host credential: " + SHIPPED_CONF.resolve("hostcert.pem") + " and "
                + SHIPPED_CONF.resolve("hostkey.pem") + " do not exist"), r.toString());
        assertTrue(r.err().contains("bin/sandgate-server ca host --ca ca"), r.toString());
        assertTrue(r.err().contains("holds no CA files"), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void checkOfAGoodSiteSaysOkForEachPartAndExits0() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("mode: personal\n");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        Tools.Result r = launch("check", "--conf", pki.conf.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("sandgate.yaml: ok") && r.out().contains("host credential: ok")
                && r.out().contains("2 CA files") && r.out().contains("0 DNs mapped, 0 lines skipped"), r.toString());
        assertEquals("", r.err(), r.toString());
    }

    @Test
    void checkWarnsOfAnOldKeyNameWithItsLineAndTheNewNameAndExits1() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("site"));
        pki.config("mode: personal\nbatch:\n  local:\n    wall_grace_seconds: 90\n");
        if (ROOT) {
            assertEquals(0, Tools.run(dir, null, "chown", "-R", "nobody", dir.toString()).exit());
        }
        Tools.Result r = launch("check", "--conf", pki.conf.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("sandgate.yaml: ok, with 1 warning"), r.toString());
        assertTrue(r.err().contains("sandgate.yaml line 4: key 'batch.local.wall_grace_seconds' is the old name of "
                + "'batch.wall_grace'; it is still read, as 'batch.wall_grace: 90s'"), r.toString());
        assertNoStackTrace(r);
    }
}
