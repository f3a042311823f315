package org.sandgate.service;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The schema of one argument: name, type and the bounds a value must keep. Values that do not fit
 * are refused with {@code 400} naming the argument before the service sees them.
 *
 * <p>Build with the static factories and the {@code with...} methods:
 * {@code Argument.integer("seconds").withRange(0, 3600)}.
 */
public final class Argument {
    private final String name;
    private final ArgumentType type;
    private final String description;
    private final Double min;
    private final Double max;
    private final Pattern pattern;
    private final List<String> allowed;
    private final int maxLength;
    private final boolean required;
    private final String fileName;

    private Argument(String name, ArgumentType type, String description, Double min, Double max,
                     Pattern pattern, List<String> allowed, int maxLength, boolean required, String fileName) {
        if (!Names.isWord(Objects.requireNonNull(name, "name"))) {
            throw new IllegalArgumentException("argument name '" + name + "' must match " + Names.WORD.pattern());
        }
        this.name = name;
        this.type = Objects.requireNonNull(type);
        this.description = Objects.requireNonNull(description);
        this.min = min;
        this.max = max;
        this.pattern = pattern;
        this.allowed = allowed == null ? null : List.copyOf(allowed);
        this.maxLength = maxLength;
        this.required = required;
        this.fileName = fileName;
    }

    /** A whole-number argument. */
    public static Argument integer(String name) {
        return new Argument(name, ArgumentType.INTEGER, "", null, null, null, null, 0, true, null);
    }

    /** A number argument. */
    public static Argument number(String name) {
        return new Argument(name, ArgumentType.NUMBER, "", null, null, null, null, 0, true, null);
    }

    /** A string argument, at most 4096 characters unless {@link #withMaxLength} says otherwise. */
    public static Argument string(String name) {
        return new Argument(name, ArgumentType.STRING, "", null, null, null, null, 4096, true, null);
    }

    /** A boolean argument. */
    public static Argument bool(String name) {
        return new Argument(name, ArgumentType.BOOLEAN, "", null, null, null, null, 0, true, null);
    }

    /** This argument with bounds (inclusive) on its value. */
    public Argument withRange(double min, double max) {
        requireType(ArgumentType.INTEGER, ArgumentType.NUMBER);
        if (min > max) {
            throw new IllegalArgumentException("min > max for " + name);
        }
        return new Argument(name, type, description, min, max, pattern, allowed, maxLength, required, fileName);
    }

    /** This argument with a lower bound (inclusive) on its value and the upper bound it had. */
    public Argument withMin(double min) {
        requireType(ArgumentType.INTEGER, ArgumentType.NUMBER);
        if (max != null && min > max) {
            throw new IllegalArgumentException("min > max for " + name);
        }
        return new Argument(name, type, description, min, max, pattern, allowed, maxLength, required, fileName);
    }

    /** This argument with an upper bound (inclusive) on its value and the lower bound it had. */
    public Argument withMax(double max) {
        requireType(ArgumentType.INTEGER, ArgumentType.NUMBER);
        if (min != null && min > max) {
            throw new IllegalArgumentException("min > max for " + name);
        }
        return new Argument(name, type, description, min, max, pattern, allowed, maxLength, required, fileName);
    }

    /** This string argument, which must match the regular expression as a whole. */
    public Argument withPattern(String regex) {
        requireType(ArgumentType.STRING);
        return new Argument(name, type, description, min, max, Pattern.compile(regex), allowed, maxLength, required, fileName);
    }

    /** This string argument, which must be one of these values. */
    public Argument withAllowed(List<String> values) {
        requireType(ArgumentType.STRING);
        return new Argument(name, type, description, min, max, pattern, values, maxLength, required, fileName);
    }

    /** This string argument with another length limit. */
    public Argument withMaxLength(int length) {
        requireType(ArgumentType.STRING);
        if (length < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        return new Argument(name, type, description, min, max, pattern, allowed, length, required, fileName);
    }

    /**
     * This string argument, which is the text content of a file the service writes under this name
     * (a form shows it as a file to choose; the value is still the file's text).
     */
    public Argument withFileName(String file) {
        requireType(ArgumentType.STRING);
        return new Argument(name, type, description, min, max, pattern, allowed, maxLength, required,
                Objects.requireNonNull(file, "file"));
    }

    /** This argument, which callers may leave out. */
    public Argument optional() {
        return new Argument(name, type, description, min, max, pattern, allowed, maxLength, false, fileName);
    }

    /** This argument with a description. */
    public Argument withDescription(String text) {
        return new Argument(name, type, text, min, max, pattern, allowed, maxLength, required, fileName);
    }

    private void requireType(ArgumentType... types) {
        for (ArgumentType t : types) {
            if (t == type) {
                return;
            }
        }
        throw new IllegalStateException("not allowed for a " + type.name().toLowerCase() + " argument: " + name);
    }

    public String name() {
        return name;
    }

    public ArgumentType type() {
        return type;
    }

    public String description() {
        return description;
    }

    public Optional<Double> min() {
        return Optional.ofNullable(min);
    }

    public Optional<Double> max() {
        return Optional.ofNullable(max);
    }

    public Optional<Pattern> pattern() {
        return Optional.ofNullable(pattern);
    }

    public Optional<List<String>> allowed() {
        return Optional.ofNullable(allowed);
    }

    /** For strings: the longest value accepted. */
    public int maxLength() {
        return maxLength;
    }

    public boolean required() {
        return required;
    }

    /** For a string that is a file's content: the name it is written under. */
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }
}
