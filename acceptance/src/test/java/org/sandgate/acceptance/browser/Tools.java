package org.sandgate.acceptance.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The programs the browser tests drive: Debian's {@code chromium}, {@code chromium-driver} and
 * {@code libnss3-tools}. Where they can be installed (root on Debian, as {@code .ci/run} does) a
 * missing one fails the test; elsewhere it is skipped with a {@code SKIPPED:} line.
 */
public final class Tools {
    /** Debian's Chromium launcher (it reads {@code /etc/chromium.d} and starts {@code /usr/lib/chromium/chromium}). */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's chromedriver, of the same build as {@link #CHROMIUM}. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final boolean ROOT = new UnixSystem().getUid() == 0;
    private static final List<Path> NEEDED = List.of(CHROMIUM, CHROMEDRIVER, Path.of("/usr/bin/certutil"),
            Path.of("/usr/bin/pk12util"), Path.of("/usr/bin/npm"));

    private Tools() {
    }

    /** Fails (where the tools can be installed) or skips loudly (elsewhere) when one is missing. */
    public static void requireBrowser() {
        for (Path program : NEEDED) {
            if (Files.isExecutable(program)) {
                continue;
            }
            String message = program + " is not installed (apt-get install chromium chromium-driver libnss3-tools; npm comes with Node.js)";
            if (installable()) {
                throw new AssertionError(message + ": .ci/run installs it, so its absence is a failure here");
            }
            System.err.println("SKIPPED: " + message);
            assumeTrue(false, message + ": test SKIPPED, not passed");
        }
        if (!ROOT) {
            // the certificate auto-selection policy is a file under /etc/chromium/policies/managed
            System.err.println("SKIPPED: the browser tests write Chromium's managed policy and need root");
            assumeTrue(false, "not root: browser test SKIPPED, not passed");
        }
    }

    private static boolean installable() {
        return "true".equals(System.getenv("CI")) || (ROOT && Files.isExecutable(Path.of("/usr/bin/apt-get")));
    }

    /** Runs a program and fails with its output unless it exits 0; returns its standard output. */
    static String run(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish in 300 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue() + "\n" + out.join() + err.join());
        }
        return out.join();
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
