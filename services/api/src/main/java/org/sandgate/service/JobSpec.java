package org.sandgate.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The work a job-launching method asks for: a program and its arguments as a list (never a shell
 * string: each element reaches the program as exactly one argument), extra environment variables,
 * and optionally a wall-clock limit shorter than the one the container derives from the cost.
 * The job runs with the session's sandbox as working directory; its standard output and error go to
 * {@code stdout} and {@code stderr} there.
 *
 * @param argv        the program (absolute path or a name found on the server's PATH) and its arguments
 * @param environment extra environment variables
 * @param wallTime    a wall-clock limit, if shorter than the container's
 */
public record JobSpec(List<String> argv, Map<String, String> environment, Optional<Duration> wallTime) {

    public JobSpec {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(wallTime);
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("a job needs a program");
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an argument contains a NUL character");
            }
        }
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (!Names.isEnvironmentVariable(e.getKey()) || e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable " + e.getKey());
            }
        }
    }

    /** A job running this program with these arguments. */
    public static JobSpec of(String... argv) {
        return new JobSpec(List.of(argv), Map.of(), Optional.empty());
    }

    /** A job running this argv list. */
    public static JobSpec of(List<String> argv) {
        return new JobSpec(argv, Map.of(), Optional.empty());
    }

    /** This job with extra environment variables. */
    public JobSpec withEnvironment(Map<String, String> env) {
        return new JobSpec(argv, env, wallTime);
    }

    /** This job with a wall-clock limit. */
    public JobSpec withWallTime(Duration limit) {
        return new JobSpec(argv, environment, Optional.of(limit));
    }
}
