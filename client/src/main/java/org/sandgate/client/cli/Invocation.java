package org.sandgate.client.cli;

import com.sun.security.auth.module.UnixSystem;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one run of a command sees of the user who ran it. A run in its own JVM sees its process; a run
 * in the agent sees what the launcher sent, so that commands never read the agent's own environment,
 * working directory or terminal.
 *
 * @param env      the environment
 * @param home     the home directory
 * @param workDir  the directory relative paths are resolved against
 * @param uid      the numeric user id (for the default proxy path)
 * @param terminal whether standard error is a terminal (progress bars)
 * @param clients  makes the client of a command
 */
public record Invocation(Map<String, String> env, Path home, Path workDir, long uid, boolean terminal, Clients clients) {
    /** This process: its environment, home, working directory and console. */
    public static Invocation ofThisProcess() {
        return new Invocation(System.getenv(), Path.of(System.getProperty("user.home")),
                Path.of("").toAbsolutePath(), new UnixSystem().getUid(), System.console() != null,
                new Clients.Fresh());
    }

    /** {@code path} resolved against the working directory. */
    public Path resolve(Path path) {
        return workDir.resolve(path);
    }
}
