package org.sandgate.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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

    /** Computes the cost of a call, in CPU-seconds, from its validated arguments. */
    @FunctionalInterface
    public interface CostFunction {
        double cost(Arguments arguments);
    }

    /**
     * Prepares the job of a job-launching method: it may write input files into the sandbox
     * ({@link ServiceContext#sandbox()}), and returns what to run there. The container has already
     * created the session; it runs the returned job on the configured back end.
     */
    @FunctionalInterface
    public interface JobHandler {
        JobSpec prepare(Call call, ServiceContext context) throws Exception;
    }

    /** Whether a method answers at once or launches a job in a session. */
    public enum Kind {
        /** Runs in the server and returns its result. */
        IMMEDIATE,
        /** Creates a session with a sandbox and runs a job there. */
        JOB
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
    private final JobHandler job;

    private ServiceMethod(String name, String description, List<Argument> arguments, CostFunction cost,
                          ImmediateHandler immediate, JobHandler job) {
        this.name = name;
        this.description = description;
        this.arguments = List.copyOf(arguments);
        this.cost = cost;
        this.immediate = immediate;
        this.job = job;
    }

    /** Starts an immediate method: it runs in the server and returns its result at once. */
    public static Builder immediate(String name) {
        return new Builder(name);
    }

    /** Starts a job-launching method: each call gets a session and runs a job in its sandbox. */
    public static Builder job(String name) {
        return new Builder(name);
    }

    /** Whether this method answers at once or launches a job. */
    public Kind kind() {
        return job != null ? Kind.JOB : Kind.IMMEDIATE;
    }

    /** What a job-launching method runs; null for an immediate method. */
    public JobHandler jobHandler() {
        return job;
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
            if (!Names.isWord(Objects.requireNonNull(name, "name"))) {
                throw new IllegalArgumentException("method name '" + name + "' must match " + Names.WORD.pattern());
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

        /** Ends an immediate method with what it does. */
        public ServiceMethod handler(ImmediateHandler handler) {
            requireCost();
            return new ServiceMethod(name, description, arguments, cost, Objects.requireNonNull(handler), null);
        }

        /** Ends a job-launching method with the job it runs. */
        public ServiceMethod jobHandler(JobHandler handler) {
            requireCost();
            return new ServiceMethod(name, description, arguments, cost, null, Objects.requireNonNull(handler));
        }

        private void requireCost() {
            if (cost == null) {
                throw new IllegalStateException("method '" + name + "' has no cost function");
            }
        }
    }
}
