package org.sandgate.process;

import java.util.List;
import java.util.Locale;

/**
 * What a command did.
 *
 * @param exitCode its exit status
 * @param stdout   what it printed
 * @param stderr   what it complained about
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * The program's own words: the lines of stderr (or stdout when stderr is empty) that say
     * "error", else its first lines.
     */
    public String complaint() {
        String text = stderr.isBlank() ? stdout : stderr;
        List<String> lines = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> errors = lines.stream().filter(l -> l.toLowerCase(Locale.ROOT).contains("error")).toList();
        List<String> chosen = (errors.isEmpty() ? lines : errors).stream().limit(3).toList();
        StringBuilder out = new StringBuilder();
        for (String line : chosen) {
            if (out.length() > 0) {
                out.append(" / ");
            }
            out.append(line);
        }
        String s = out.length() == 0 ? "exit status " + exitCode : out.toString();
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
