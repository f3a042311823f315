package org.sandgate.server.services.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A declarative command service as written in YAML (see the README for the format). Validated by
 * {@link CommandServices}; unknown keys are errors.
 *
 * @param service     the dotted service name
 * @param description what it does
 * @param backend     the back end its jobs ask for ({@code local}, {@code slurm} ...); the site's
 *                    {@code batch.services} overrides it
 * @param methods     its methods by name, in order
 */
public record CommandServiceFile(String service, String description, String backend,
                                 LinkedHashMap<String, Method> methods) {
    public CommandServiceFile {
        description = Objects.requireNonNullElse(description, "");
        methods = methods == null ? new LinkedHashMap<>() : methods;
    }

    /**
     * One method.
     *
     * @param kind        {@code job} (default) or {@code immediate}
     * @param arguments   its arguments by name, in the order of positional calls
     * @param cost        the cost in CPU-seconds: an expression over the numeric arguments
     * @param command     the program and its arguments; an element that is exactly {@code {name}}
     *                    is replaced by that argument's value, as one element
     * @param environment extra environment variables
     * @param wallSeconds a wall-clock limit shorter than the one the cost gives
     */
    public record Method(String kind, String description, LinkedHashMap<String, Arg> arguments, String cost,
                         List<String> command, Map<String, String> environment,
                         @JsonProperty("wall_seconds") Long wallSeconds) {
        public Method {
            kind = Objects.requireNonNullElse(kind, "job");
            description = Objects.requireNonNullElse(description, "");
            arguments = arguments == null ? new LinkedHashMap<>() : arguments;
            cost = Objects.requireNonNullElse(cost, "1");
            command = command == null ? List.of() : List.copyOf(command);
            environment = environment == null ? Map.of() : Map.copyOf(environment);
        }
    }

    /**
     * One argument.
     *
     * @param type        {@code integer}, {@code number}, {@code string}, {@code boolean} or {@code file}
     * @param min         lower bound (integer, number)
     * @param max         upper bound (integer, number)
     * @param pattern     a regular expression the whole string must match
     * @param values      the allowed strings
     * @param maxLength   longest string (default 4096)
     * @param optional    whether it may be left out (its placeholder then drops out of the command)
     * @param filename    for {@code file}: the name the content is written under in the sandbox
     *                    (default: the argument's name)
     * @param maxBytes    for {@code file}: the largest content (default 1 MiB)
     */
    public record Arg(String type, String description, Double min, Double max, String pattern,
                      @JsonProperty("enum") List<String> values,
                      @JsonProperty("max_length") Integer maxLength, Boolean optional, String filename,
                      @JsonProperty("max_bytes") Integer maxBytes) {
        public Arg {
            description = Objects.requireNonNullElse(description, "");
            optional = Objects.requireNonNullElse(optional, Boolean.FALSE);
        }
    }
}
