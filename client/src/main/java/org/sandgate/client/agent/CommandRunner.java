package org.sandgate.client.agent;

import java.io.PrintWriter;

/** Runs the command lines the agent receives; the agent knows nothing of the commands themselves. */
@FunctionalInterface
public interface CommandRunner {
    /**
     * Runs one command line.
     *
     * @param call what the launcher sent: the command line and what the user's shell would have given it
     * @param out  its standard output
     * @param err  its standard error
     * @return its exit status
     * @throws RunItYourself when it must run in the caller's own process instead (it has to ask on a terminal)
     */
    int run(AgentCall call, PrintWriter out, PrintWriter err);
}
