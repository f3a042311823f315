package org.sandgate.acceptance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An ordinary (non-root) account in a fresh directory that holds {@code bin/}, a link to the checkout's
 * launchers, so the documents' commands run as written ({@code bin/sandgate-server demo}). When the
 * tests run as root it is {@code nobody} (through runuser), else the tests' own account.
 */
final class Account implements AutoCloseable {
    static final boolean ROOT = new UnixSystem().getUid() == 0;
    /** The checkout: this module's parent. */
    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    final Path dir;
    final Path home;
    private final List<Process> started = new ArrayList<>();

    /** What a command did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    Account(String prefix) throws IOException, InterruptedException {
        dir = Files.createTempDirectory(prefix);
        home = dir.resolve("home");
        Files.createDirectories(home);
        Files.createSymbolicLink(dir.resolve("bin"), CHECKOUT.resolve("bin"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (ROOT) {
            asTests(dir, "chown", "-R", "-h", "nobody", dir.toString());
        }
    }

    /** Skips the test, loudly, when a program the documents use is not installed. */
    static void require(String... programs) {
        for (String program : programs) {
            boolean found = List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                    .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
            if (!found) {
                System.err.println("SKIPPED: " + program + " is not installed; install it to run this test");
            }
            assumeTrue(found, program + " is not installed: test SKIPPED, not passed");
        }
    }

    /** The account's name, as the demo maps its users to it. */
    String name() {
        return ROOT ? "nobody" : System.getProperty("user.name");
    }

    private List<String> argv(String script) {
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            argv.addAll(List.of("runuser", "-u", "nobody", "--"));
        }
        argv.addAll(List.of("env", "HOME=" + home, "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "bash", "-c",
                script));
        return argv;
    }

    /** Runs a bash script as the account, in its directory. */
    Result run(String script) throws IOException, InterruptedException {
        return run(dir, argv(script));
    }

    /** Starts a bash script as the account, its output (both streams) into a file. */
    Process start(String script, Path output) throws IOException {
        Process p = new ProcessBuilder(argv(script)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        started.add(p);
        return p;
    }

    /** Runs a program as the account that runs the tests. */
    static Result asTests(Path dir, String... argv) throws IOException, InterruptedException {
        return run(dir, List.of(argv));
    }

    private static Result run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish in 180 s");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops what the account started (the CLI's agent too) and removes the directory. */
    @Override
    public void close() throws Exception {
        if (Files.isExecutable(dir.resolve("bin/sandgate"))) {
            run("bin/sandgate agent stop >/dev/null 2>&1 || true");
        }
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        asTests(Path.of("/"), "rm", "-rf", dir.toString());
    }
}
