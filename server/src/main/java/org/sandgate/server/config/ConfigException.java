package org.sandgate.server.config;

import java.util.List;

/** The configuration cannot be used; the message names the file and every problem found. */
public class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one line each, with the file and line or key it is about. */
    public List<String> problems() {
        return problems;
    }
}
