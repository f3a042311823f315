package org.sandgate.dist;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs commands for the packaging tests: as the tests' account, or as an ordinary account through runuser. */
final class Shell {
    static final boolean ROOT = new UnixSystem().getUid() == 0;

    /** What a command did. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Shell() {
    }

    /** The argv that runs a bash script as {@code account} (root runs it through runuser), with a clean environment. */
    static List<String> as(String account, Path home, String script) {
        List<String> argv = new ArrayList<>();
        if (ROOT && !account.equals("root")) {
            argv.addAll(List.of("runuser", "-u", account, "--"));
        }
        argv.addAll(List.of("env", "-i", "HOME=" + home, "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                "bash", "-c", script));
        return argv;
    }

    /** Runs a program in {@code dir} and waits for it (at most 5 minutes). */
    static Result run(Path dir, List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        p.getOutputStream().close();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish in 300 s");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** Runs a program as the tests' account. */
    static Result run(Path dir, String... argv) throws IOException, InterruptedException {
        return run(dir, List.of(argv));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
