package org.sandgate.client.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.sandgate.client.agent.AgentServer;
import org.sandgate.client.agent.CommandRunner;
import org.sandgate.client.agent.RunItYourself;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandgate agent run}: the agent itself, started in the background by the launcher the
 * first time a command could use it. {@code status} and {@code stop} go through the launcher's
 * client like any command.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"The background process that keeps later commands fast (started by itself).",
                "'sandgate agent status' and 'sandgate agent stop' ask the running agent; SANDGATE_AGENT=off "
                        + "runs every command in a process of its own."})
public final class AgentCommand implements Callable<Integer> {
    /** Runs the agent's command lines as {@link Main} runs them, with the clients the agent keeps. */
    static CommandRunner commands(Clients clients) {
        return (call, out, err) -> {
            Invocation invocation = new Invocation(call.env(), call.home(), call.workDir(), call.uid(), call.terminal(),
                    clients);
            try {
                return Main.run(invocation, call.args().toArray(String[]::new), out, err);
            } catch (TerminalNeeded needed) {
                throw new RunItYourself(needed.getMessage());
            }
        };
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", description = "the socket to listen on (default: $SANDGATE_AGENT_SOCKET)")
    Path socket;

    @Option(names = "--idle-seconds", defaultValue = "600", description = "exit after this long without commands")
    long idleSeconds;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "ACTION", description = "run, status or stop")
    String action;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!action.equals("run")) {
            // status and stop reach here only when no agent answered the launcher
            spec.commandLine().getOut().println("no agent is running");
            return action.equals("status") ? 1 : 0;
        }
        if (socket == null) {
            err.println("sandgate agent: --socket is needed (the launcher bin/sandgate gives it)");
            return 2;
        }
        try {
            new AgentServer(socket, Duration.ofSeconds(Math.max(1, idleSeconds)), commands(new KeptClients())).serve();
            return 0;
        } catch (IOException e) {
            err.println("sandgate agent: " + e.getMessage());
            return 2;
        }
    }
}
