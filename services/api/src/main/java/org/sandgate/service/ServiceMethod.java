package org.sandgate.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A method of a service: its argument schema, its cost function (CPU-seconds from the arguments,
 * checked against the caller's tier before anything runs) and what it does.
 *
 * <pre>{@code
 * ServiceMethod.immediate("echo")
 *     .description("returns its arguments")
 *     .argument(Argument.string("text").withMaxLength(1000))
 *     .cost(args -> 0)
 *     .handler(call -> call.arguments().asMap());
 * }</pre>
 */
public final class ServiceMethod {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    /** Computes the cost of a call, in CPU-seconds, from its validated arguments. */
    @FunctionalInterface
    public interface CostFunction {
        double cost(Arguments arguments);
    }

    /** Runs an immediate method in the server and returns its result (JSON values: maps, lists, strings, numbers, booleans or null). */
    @FunctionalInterface
    public interface ImmediateHandler {
        Object handle(Call call) throws Exception;
    }

    private final String name;
    private final String description;
    private final List<Argument> arguments;
    private final CostFunction cost;
    private final ImmediateHandler immediate;

    private ServiceMethod(String name, String description, List<Argument> arguments, CostFunction cost,
                          ImmediateHandler immediate) {
        this.name = name;
        this.description = description;
        this.arguments = List.copyOf(arguments);
        this.cost = cost;
        this.immediate = immediate;
    }

    /** Starts an immediate method: it runs in the server and returns its result at once. */
    public static Builder immediate(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The arguments, in the order a positional call gives them. */
    public List<Argument> arguments() {
        return arguments;
    }

    public CostFunction cost() {
        return cost;
    }

    public ImmediateHandler immediateHandler() {
        return immediate;
    }

    /** Builds a method; {@link #handler} ends it. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private final List<Argument> arguments = new ArrayList<>();
        private CostFunction cost;

        private Builder(String name) {
            if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
                throw new IllegalArgumentException("method name '" + name + "' must match " + NAME.pattern());
            }
            this.name = name;
        }

        public Builder description(String text) {
            this.description = Objects.requireNonNull(text);
            return this;
        }

        /** Adds an argument; positional calls give them in this order. */
        public Builder argument(Argument argument) {
            for (Argument a : arguments) {
                if (a.name().equals(argument.name())) {
                    throw new IllegalArgumentException("argument '" + argument.name() + "' declared twice");
                }
            }
            arguments.add(argument);
            return this;
        }

        /** The cost function; required. */
        public Builder cost(CostFunction function) {
            this.cost = Objects.requireNonNull(function);
            return this;
        }

        /** Ends the method with what it does. */
        public ServiceMethod handler(ImmediateHandler handler) {
            if (cost == null) {
                throw new IllegalStateException("method '" + name + "' has no cost function");
            }
            return new ServiceMethod(name, description, arguments, cost, Objects.requireNonNull(handler));
        }
    }
}
