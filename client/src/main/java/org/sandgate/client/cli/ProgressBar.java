package org.sandgate.client.cli;

import java.io.PrintWriter;

/**
 * A download's progress on the terminal (standard error): percent, bytes and rate, redrawn at most
 * ten times a second. Silent when the output is not a terminal, so scripts and logs stay clean.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String name;
    private final boolean active;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintWriter err, String name, boolean active) {
        this.err = err;
        this.name = name;
        this.active = active;
    }

    static ProgressBar forTerminal(PrintWriter err, String name, boolean terminal) {
        return new ProgressBar(err, name, terminal);
    }

    void update(long done, long total) {
        long now = System.nanoTime();
        if (!active || now - lastDraw < 100_000_000L && done != total) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        String rate = human(done / seconds) + "/s";
        if (total > 0) {
            int filled = (int) (WIDTH * done / total);
            err.printf("\r%-20.20s [%s%s] %3d%% %9s %10s", name, "#".repeat(filled), " ".repeat(WIDTH - filled),
                    100 * done / total, human(done), rate);
        } else {
            err.printf("\r%-20.20s %9s %10s", name, human(done), rate);
        }
        err.flush();
        drawn = true;
    }

    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }

    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format("%.0f %s", bytes, units[u]) : String.format("%.1f %s", bytes, units[u]);
    }
}
