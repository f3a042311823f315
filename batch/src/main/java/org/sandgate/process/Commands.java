package org.sandgate.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs programs ({@code sbatch}, {@code squeue}, the job wrapper, a command service's command, the
 * authorization callout ...) with an argv list, never through a shell, with a time limit, and counts
 * them by program so that the cost of following jobs can be measured.
 */
public final class Commands {
    private final Duration timeout;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Commands that take longer than {@code timeout} are killed and count as a failure. */
    public Commands(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Runs a command to its end.
     *
     * @param argv        program and arguments
     * @param environment its whole environment
     * @param dir         its working directory
     * @param stdin       what it reads
     * @throws CommandException when it cannot start or does not end in time
     */
    public CommandResult run(List<String> argv, Map<String, String> environment, Path dir, byte[] stdin) {
        String program = Path.of(argv.get(0)).getFileName().toString();
        counts.computeIfAbsent(program, p -> new LongAdder()).increment();
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CommandException("cannot run " + program + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // the program did not read all of its input; its exit status tells whether that matters
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new CommandException(program + " did not answer within " + timeout.toSeconds() + " s");
            }
            return new CommandResult(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running " + program, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandException("cannot read what " + program + " printed", e);
        }
    }

    /**
     * Reads one of a command's outputs on a thread of its own, which ends when the command closes
     * it: no pool outlives the command, so nothing of a server's is left running after it stops.
     */
    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                byte[] bytes = stream.readNBytes(4 * 1024 * 1024);
                stream.transferTo(OutputStream.nullOutputStream());
                text.complete(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }

    /** How many times each program ran since start. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
