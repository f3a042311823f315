package org.sandgate.acceptance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown document, each with the paragraph that introduces it. */
final class Markdown {
    /**
     * A fenced block.
     *
     * @param lang    the info string ({@code sh}, {@code xml}, ...)
     * @param text    the block's lines
     * @param caption the last paragraph before the block
     */
    record Block(String lang, String text, String caption) {
    }

    private Markdown() {
    }

    /** The section under a heading, up to the next heading of the same or a higher level. */
    static String section(Path file, String heading) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int level = heading.indexOf(' ');
        StringBuilder out = new StringBuilder();
        boolean in = false;
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("#")) {
                int l = line.indexOf(' ');
                if (in && l > 0 && l <= level) {
                    break;
                }
                if (line.strip().equals(heading)) {
                    in = true;
                }
            }
            if (in) {
                out.append(line).append('\n');
            }
        }
        if (!in) {
            throw new AssertionError(file + " has no heading '" + heading + "'");
        }
        return out.toString();
    }

    static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        String caption = "";
        StringBuilder code = null;
        String lang = "";
        for (String line : markdown.split("\n", -1)) {
            if (code == null && line.startsWith("```")) {
                code = new StringBuilder();
                lang = line.substring(3).strip();
                caption = paragraph.toString().strip().isEmpty() ? caption : paragraph.toString().strip();
                paragraph.setLength(0);
            } else if (code != null && line.startsWith("```")) {
                blocks.add(new Block(lang, code.toString(), caption));
                code = null;
            } else if (code != null) {
                code.append(line).append('\n');
            } else if (line.isBlank()) {
                if (!paragraph.toString().isBlank()) {
                    caption = paragraph.toString().strip();
                }
                paragraph.setLength(0);
            } else {
                paragraph.append(line).append('\n');
            }
        }
        return blocks;
    }

    /**
     * The commands of a shell block: continued lines joined, comment lines dropped, each command with
     * the comment lines that follow it (the output the document shows).
     */
    static List<Command> commands(String shell) {
        List<Command> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : shell.split("\n")) {
            if (current.isEmpty() && line.strip().startsWith("#")) {
                if (!commands.isEmpty()) {
                    Command last = commands.remove(commands.size() - 1);
                    commands.add(new Command(last.line(), (last.shown() + "\n" + line.strip().substring(1).strip())
                            .strip()));
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            commands.add(new Command(current.toString().strip(), ""));
            current.setLength(0);
        }
        return commands;
    }

    /**
     * A shell command.
     *
     * @param line  the command, on one line
     * @param shown the output the document shows after it, or empty
     */
    record Command(String line, String shown) {
        /** The command without a trailing {@code # comment}. */
        String withoutComment() {
            int hash = line.indexOf("  #");
            return hash < 0 ? line : line.substring(0, hash).strip();
        }

        /** Whitespace collapsed, the trailing comment dropped: for comparing commands. */
        String normalized() {
            return withoutComment().replaceAll("\\s+", " ");
        }
    }
}
