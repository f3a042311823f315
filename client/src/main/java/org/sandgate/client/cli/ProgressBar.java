package org.sandgate.client.cli;

import java.io.PrintWriter;

/**
 * A download's progress on the terminal (standard error): percent, bytes and rate, redrawn at most
 * ten times a second. Silent when the output is not a terminal, so scripts and logs stay clean.
 * Each redraw returns to the line's start and clears to its end ({@code ESC [ K}), so a shorter line
 * leaves nothing of the longer one before it; the line stays under 80 columns so that it never wraps.
 */
final class ProgressBar {
    private static final int WIDTH = 24;
    /** Carriage return: back to the start of the line. */
    static final String START = "\r";
    /** ANSI "erase in line" (EL, to the end): what a longer line before left behind. */
    static final String CLEAR_TO_END = "\u001b[K";

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
        if (!active || drawn && now - lastDraw < 100_000_000L && done != total) {
            return;
        }
        lastDraw = now;
        err.print(START + line(name, done, total, (now - start) / 1e9) + CLEAR_TO_END);
        err.flush();
        drawn = true;
    }

    /** One state of the bar, without the control sequences: at most 79 characters. */
    static String line(String name, long done, long total, double seconds) {
        String rate = human(done / Math.max(1e-3, seconds)) + "/s";
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(done, total) / total);
            return String.format("%-20.20s [%s%s] %3d%% %10s %12s", name, "#".repeat(filled), " ".repeat(WIDTH - filled),
                    100 * Math.min(done, total) / total, human(done), rate);
        }
        return String.format("%-20.20s %10s %12s", name, human(done), rate);
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
