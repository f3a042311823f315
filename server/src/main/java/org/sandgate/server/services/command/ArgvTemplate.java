package org.sandgate.server.services.command;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sandgate.service.Arguments;
import org.sandgate.service.Names;

/**
 * A command line with placeholders: an element that is exactly {@code {name}} becomes that
 * argument's value as one element (or drops out when an optional argument is absent). A placeholder
 * inside a longer element is refused when the template is made: values never become part of a
 * string another program parses.
 */
final class ArgvTemplate {
    /** A placeholder {@code {name}}: a whole element, or (refused) inside a longer one. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(" + Names.WORD.pattern() + ")}");

    private final List<String> elements;

    private ArgvTemplate(List<String> elements) {
        this.elements = elements;
    }

    /**
     * Checks a template against the method's argument names.
     *
     * @throws IllegalArgumentException naming the element at fault
     */
    static ArgvTemplate of(List<String> command, Set<String> arguments) {
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("'command' must name a program");
        }
        if (PLACEHOLDER.matcher(command.get(0)).matches()) {
            throw new IllegalArgumentException("the program itself cannot be an argument");
        }
        for (int i = 0; i < command.size(); i++) {
            String e = command.get(i);
            if (e == null) {
                throw new IllegalArgumentException("command element " + i + " is empty");
            }
            Matcher whole = PLACEHOLDER.matcher(e);
            if (whole.matches()) {
                if (!arguments.contains(whole.group(1))) {
                    throw new IllegalArgumentException("command element " + i + " names no argument: " + e);
                }
                continue;
            }
            Matcher inside = PLACEHOLDER.matcher(e);
            while (inside.find()) {
                if (arguments.contains(inside.group(1))) {
                    throw new IllegalArgumentException("command element " + i + " ('" + e + "') has {" + inside.group(1)
                            + "} inside other text; a placeholder must be a whole element");
                }
            }
        }
        return new ArgvTemplate(List.copyOf(command));
    }

    /** The argv of one call; {@code files} maps file arguments to the names they were written under. */
    List<String> render(Arguments args, Map<String, String> files) {
        List<String> argv = new ArrayList<>();
        for (String e : elements) {
            Matcher whole = PLACEHOLDER.matcher(e);
            if (!whole.matches()) {
                argv.add(e);
                continue;
            }
            String name = whole.group(1);
            if (files.containsKey(name)) {
                argv.add(files.get(name));
                continue;
            }
            args.find(name).ifPresent(v -> argv.add(text(v)));
        }
        return argv;
    }

    static String text(Object value) {
        if (value instanceof Double d) {
            BigDecimal s = BigDecimal.valueOf(d).stripTrailingZeros();
            return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
        }
        return String.valueOf(value);
    }
}
