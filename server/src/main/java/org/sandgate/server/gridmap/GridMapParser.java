package org.sandgate.server.gridmap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.server.config.AccountRule;
import org.sandgate.server.identity.DistinguishedNames;

/**
 * Parses the Globus grid-mapfile format: one {@code "DN" account[,account...]} per line, the DN in
 * double quotes (with {@code \"} and {@code \\} escapes) or unquoted without blanks, {@code #}
 * comments and blank lines. A bad line is reported with its number and skipped; the others load.
 */
public final class GridMapParser {

    /** A line that was not loaded, and why. */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    /** The table and the problems found building it. */
    public record Result(GridMap map, List<Problem> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        /** {@code "3 DNs mapped, 1 line skipped"}, for logs and {@code check}. */
        public String summary() {
            return count(map.size(), "DN") + " mapped, " + count(problems.size(), "line") + " skipped";
        }

        private static String count(int n, String noun) {
            return n + " " + noun + (n == 1 ? "" : "s");
        }
    }

    private GridMapParser() {
    }

    /** Parses the text of a grid-mapfile. */
    public static Result parse(String text) {
        List<GridMapEntry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                GridMapEntry entry = parseLine(line, number);
                Integer earlier = firstLine.putIfAbsent(DistinguishedNames.comparisonKey(entry.dn()), number);
                if (earlier != null) {
                    problems.add(new Problem(number, "DN already mapped on line " + earlier
                            + "; this line is ignored"));
                } else {
                    entries.add(entry);
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(number, e.getMessage()));
            }
        }
        return new Result(new GridMap(entries), problems);
    }

    private static GridMapEntry parseLine(String line, int number) {
        if (line.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("contains a NUL byte");
        }
        String dn;
        int rest;
        if (line.charAt(0) == '"') {
            StringBuilder sb = new StringBuilder();
            int i = 1;
            boolean closed = false;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()
                        && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    sb.append(line.charAt(i + 1));
                    i += 2;
                } else if (c == '"') {
                    closed = true;
                    i++;
                    break;
                } else {
                    sb.append(c);
                    i++;
                }
            }
            if (!closed) {
                throw new IllegalArgumentException("the quoted DN has no closing quote");
            }
            dn = sb.toString();
            rest = i;
            if (rest < line.length() && !Character.isWhitespace(line.charAt(rest))) {
                throw new IllegalArgumentException("expected a blank between the quoted DN and the accounts");
            }
        } else {
            int blank = firstBlank(line);
            dn = blank < 0 ? line : line.substring(0, blank);
            rest = blank < 0 ? line.length() : blank;
        }
        if (!DistinguishedNames.isSlashForm(dn)) {
            throw new IllegalArgumentException("'" + abbreviate(dn) + "' is not a DN in slash form (/C=.../CN=...)");
        }
        String accountText = line.substring(rest).strip();
        if (accountText.isEmpty()) {
            throw new IllegalArgumentException("no local account after the DN");
        }
        List<String> accounts = new ArrayList<>();
        for (String account : accountText.split(",", -1)) {
            String name = account.strip();
            if (!AccountRule.ACCOUNT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + abbreviate(name) + "' is not a valid account name");
            }
            if (name.equals("root")) {
                throw new IllegalArgumentException("mapping to root is refused");
            }
            accounts.add(name);
        }
        return new GridMapEntry(dn, accounts, number);
    }

    private static int firstBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 80 ? printable.substring(0, 77) + "..." : printable;
    }
}
