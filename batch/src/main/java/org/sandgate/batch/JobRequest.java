package org.sandgate.batch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job to run.
 *
 * @param name        a label for logs and the job's {@code SANDGATE_SESSION} (the session id): never shown to the
 *                    batch system, see {@link #batchName()}
 * @param workDir     the sandbox: working directory, where {@code stdout} and {@code stderr} go
 * @param argv        the program and its arguments, each passed as exactly one argument
 * @param environment extra environment variables
 * @param wallTime    the wall-clock limit; the job is killed when it is over
 * @param account     the account to run as in shared mode; empty: the server's own account
 * @param limits      resource limits (the local back end sets them; batch systems use their own)
 */
public record JobRequest(String name, Path workDir, List<String> argv, Map<String, String> environment,
                         Duration wallTime, Optional<String> account, JobLimits limits) {
    public JobRequest {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(limits, "limits");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a job needs a program");
        }
    }

    /**
     * The job's name in the batch system and what identifies it there: the name of its sandbox
     * directory. Every local account may see a batch job's name and paths, and a session id is a
     * capability, so the sandbox is never named by the id.
     */
    public String batchName() {
        return workDir.getFileName().toString();
    }

    /** A job without resource limits. */
    public JobRequest(String name, Path workDir, List<String> argv, Map<String, String> environment,
                      Duration wallTime, Optional<String> account) {
        this(name, workDir, argv, environment, wallTime, account, JobLimits.NONE);
    }

    /** A job that runs as the server's own account. */
    public JobRequest(String name, Path workDir, List<String> argv, Map<String, String> environment,
                      Duration wallTime) {
        this(name, workDir, argv, environment, wallTime, Optional.empty());
    }
}
