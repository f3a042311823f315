package org.sandgate.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reads the host's process table the way another local account would: {@code /proc/*}{@code /cmdline}. */
final class ProcessTable {
    private ProcessTable() {
    }

    /** One process: its id and its command line, NUL bytes shown as spaces. */
    record Entry(long pid, String cmdline) {
    }

    /** Every process now. */
    static List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
                    String line = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
                    out.add(new Entry(Long.parseLong(p.getFileName().toString()), line));
                } catch (IOException | NumberFormatException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read /proc", e);
        }
        return out;
    }

    /** The processes whose command line contains {@code text}. */
    static List<Entry> containing(String text) {
        return all().stream().filter(e -> e.cmdline().contains(text)).toList();
    }

    /**
     * Reads the process table over and over on a thread of its own, keeping every command line that
     * contains one of the given strings: catches short-lived processes (sudo, the wrapper) too.
     */
    static final class Sampler implements AutoCloseable {
        private final Set<String> seen = ConcurrentHashMap.newKeySet();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long rounds;

        Sampler(List<String> needles) {
            thread = new Thread(() -> {
                while (running) {
                    for (Entry e : all()) {
                        if (needles.stream().anyMatch(e.cmdline()::contains)) {
                            seen.add(e.cmdline());
                        }
                    }
                    rounds++;
                }
            }, "process-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** The command lines seen so far. */
        Set<String> seen() {
            return Set.copyOf(seen);
        }

        long rounds() {
            return rounds;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }
}
