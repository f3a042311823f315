package org.sandgate.batch.command;

/**
 * What a back-end command did.
 *
 * @param exitCode its exit status
 * @param stdout   what it printed
 * @param stderr   what it complained about
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The first lines of stderr (or stdout when stderr is empty): the back end's own words. */
    public String complaint() {
        String text = stderr.isBlank() ? stdout : stderr;
        String[] lines = text.strip().split("\n");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(3, lines.length); i++) {
            if (out.length() > 0) {
                out.append(" / ");
            }
            out.append(lines[i].strip());
        }
        String s = out.length() == 0 ? "exit status " + exitCode : out.toString();
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }
}
