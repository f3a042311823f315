package org.sandgate.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    /** What a terminal shows on the cursor's line after {@code output}: CR, erase-to-end and text. */
    static String visibleLine(String output) {
        StringBuilder line = new StringBuilder();
        int cursor = 0;
        for (int i = 0; i < output.length(); i++) {
            if (output.startsWith(ProgressBar.CLEAR_TO_END, i)) {
                line.setLength(cursor);
                i += ProgressBar.CLEAR_TO_END.length() - 1;
            } else if (output.charAt(i) == '\r') {
                cursor = 0;
            } else if (output.charAt(i) == '\n') {
                line.setLength(0);
                cursor = 0;
            } else {
                if (cursor < line.length()) {
                    line.setCharAt(cursor, output.charAt(i));
                } else {
                    line.append(output.charAt(i));
                }
                cursor++;
            }
        }
        return line.toString();
    }

    @Test
    void aShorterLineLeavesNothingOfTheLongerOneBefore() {
        StringWriter out = new StringWriter();
        ProgressBar bar = ProgressBar.forTerminal(new PrintWriter(out), "stdout", true);
        bar.update(5_000_000_000L, -1);       // size unknown: a long rate and byte count
        bar.update(10, 10);                   // the end: the line is shorter
        String last = ProgressBar.line("stdout", 10, 10, 1);
        assertEquals(last.substring(0, last.indexOf("%") + 1), visibleLine(out.toString()).substring(0,
                last.indexOf("%") + 1));
        assertEquals(visibleLine(out.toString()).strip().length(), visibleLine(out.toString()).length());
        for (String draw : out.toString().split("\r")) {
            assertTrue(draw.isEmpty() || draw.endsWith(ProgressBar.CLEAR_TO_END), "every draw clears to the end: " + draw);
        }
    }

    @Test
    void theEraseIsNeededAndWorks() {
        String longer = "\r" + "x".repeat(60);
        String shorter = "\r" + "y".repeat(10);
        assertEquals("y".repeat(10) + "x".repeat(50), visibleLine(longer + shorter), "without it the rest stays");
        assertEquals("y".repeat(10), visibleLine(longer + shorter + ProgressBar.CLEAR_TO_END));
    }

    @Test
    void theLineNeverReachesEightyColumnsSoItNeverWraps() {
        double[] sizes = {0, 999, 1023.96 * 1024, 1023.96 * 1024 * 1024, 5e12, 9e15};
        for (double size : sizes) {
            long bytes = (long) size;
            assertTrue(ProgressBar.line("a-very-long-file-name-indeed.dat", bytes, bytes + 1, 0.5).length() < 80);
            assertTrue(ProgressBar.line("a-very-long-file-name-indeed.dat", bytes, -1, 1e-9).length() < 80);
        }
    }

    @Test
    void withoutATerminalNothingIsDrawn() {
        StringWriter out = new StringWriter();
        ProgressBar bar = ProgressBar.forTerminal(new PrintWriter(out), "stdout", false);
        bar.update(1, 2);
        bar.update(2, 2);
        bar.finish();
        assertEquals("", out.toString());
    }
}
