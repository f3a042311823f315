package org.sandgate.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The release archive as a site gets it: unpacked by an ordinary account into a fresh directory, its
 * launchers run from another directory, the demo answers whoami and runs a job to DONE.
 */
class ReleaseArchiveIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("sandgate.test.archive"));
    private static final String VERSION = System.getProperty("sandgate.test.version");
    /** An ordinary account: the server refuses root. */
    private static final String ACCOUNT = Shell.ROOT ? "nobody" : System.getProperty("user.name");

    private Path dir;
    private Path home;
    private Process demo;

    @BeforeEach
    void freshDirectory() throws Exception {
        dir = Files.createTempDirectory("sandgate-archive");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(ARCHIVE, dir.resolve(ARCHIVE.getFileName()));
        home = dir.resolve("home");
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.createDirectories(home);
        if (Shell.ROOT) {
            assertEquals(0, Shell.run(dir, "chown", "-R", ACCOUNT, dir.toString()).exit());
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        user("sandgate-" + VERSION + "/bin/sandgate agent stop >/dev/null 2>&1 || true");
        if (demo != null) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
            demo.waitFor();
        }
        Shell.run(Path.of("/"), "rm", "-rf", dir.toString());
    }

    @Test
    void unpackedArchiveRunsTheDemoFromAnyDirectory() throws Exception {
        Shell.Result unpack = user("tar -xzf " + ARCHIVE.getFileName());
        assertEquals(0, unpack.exit(), unpack.toString());
        Path root = dir.resolve("sandgate-" + VERSION);
        for (String file : new String[] {"bin/sandgate-server", "bin/sandgate", "libexec/sandgate-job-wrapper",
                "libexec/sandgate-agent-client"}) {
            assertTrue(Files.isExecutable(root.resolve(file)), file + " is not executable in the archive");
        }
        for (String file : new String[] {"README.md", "conf/sandgate.yaml", "conf/grid-mapfile",
                "licenses/THIRD-PARTY.txt", "examples/services/sandgate-example-sleepy.jar",
                "lib/server/sandgate-server.jar", "lib/server/jetty-server-12.1.14.jar", "lib/client/sandgate-client.jar",
                "lib/client/picocli-4.7.7.jar", "lib/client/agent-commands"}) {
            assertTrue(Files.isRegularFile(root.resolve(file)), file + " is missing from the archive");
        }
        assertTrue(Files.readString(root.resolve("openapi.json")).contains("\"version\": \"" + VERSION + "\""),
                "the archive's OpenAPI document carries the build's version");
        assertTrue(Files.readString(root.resolve("licenses/THIRD-PARTY.txt")).contains("jetty-server"),
                "the third-party licence list names the jars");

        String launchers = "../sandgate-" + VERSION + "/bin/";
        Shell.Result serverVersion = user("cd elsewhere && " + launchers + "sandgate-server --version");
        assertEquals("sandgate-server " + VERSION, serverVersion.out().strip(), serverVersion.toString());
        Shell.Result clientVersion = user("cd elsewhere && " + launchers + "sandgate --version");
        assertTrue(clientVersion.out().strip().endsWith(VERSION), clientVersion.toString());

        int https = freePort();
        int http = freePort();
        Path output = dir.resolve("demo.out");
        demo = new ProcessBuilder(Shell.as(ACCOUNT, home, "cd elsewhere && exec " + launchers
                + "sandgate-server demo --dir demo --https-port " + https + " --http-port " + http))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!Files.readString(output).contains("Sandgate demo is running") && demo.isAlive()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        String banner = Files.readString(output);
        assertTrue(banner.contains("Sandgate demo is running"), banner);
        assertTrue(banner.contains("deployed example service sandgate-example-sleepy.jar"), banner);

        Shell.Result health = user("cd elsewhere && curl -sS --cacert demo/ca-strong/ca.pem https://localhost:" + https + "/health");
        assertTrue(health.out().contains("\"version\":\"" + VERSION + "\""), health.toString());

        String alice = "X509_USER_CERT=demo/users/alice/usercert.pem X509_USER_KEY=demo/users/alice/userkey.pem "
                + launchers + "sandgate --server https://localhost:" + https + " --cacert demo/ca-strong/ca.pem ";
        Shell.Result whoami = user("cd elsewhere && " + alice.replace(" --server", " whoami --server"));
        assertEquals(0, whoami.exit(), whoami + "\n" + Files.readString(output));
        assertTrue(whoami.out().contains("CN=Alice Demo") && whoami.out().contains("tier:     strong"), whoami.toString());

        Shell.Result job = user("cd elsewhere && " + alice.replace(" --server", " call --wait --json --server")
                + "sleepy.add 1 2 3");
        assertEquals(0, job.exit(), job + "\n" + Files.readString(output));
        assertTrue(job.out().contains("\"DONE\""), job.toString());

        ProcessHandle java = Stream.concat(Stream.of(demo.toHandle()), demo.descendants())
                .filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst().orElseThrow();
        assertEquals(0, Shell.run(dir, "kill", "-TERM", Long.toString(java.pid())).exit());
        assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo did not stop");
        assertEquals(0, demo.exitValue(), Files.readString(output));
    }

    private Shell.Result user(String script) throws IOException, InterruptedException {
        return Shell.run(dir, Shell.as(ACCOUNT, home, script));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
