package org.sandgate.client.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One command line the launcher handed to the agent, with what the user's own process would have
 * seen: never the agent's environment, working directory or terminal.
 *
 * @param env      the caller's environment (credential paths in it made absolute against {@code workDir})
 * @param home     the caller's home directory
 * @param workDir  the caller's working directory
 * @param uid      the caller's numeric user id (the agent's own: it serves no one else)
 * @param terminal whether the caller's standard error is a terminal
 * @param args     the command line, without the program name
 */
public record AgentCall(Map<String, String> env, Path home, Path workDir, long uid, boolean terminal, List<String> args) {
}
