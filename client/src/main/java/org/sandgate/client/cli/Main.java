package org.sandgate.client.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sandgate}: the command-line client. */
@Command(name = "sandgate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Command-line client of Sandgate servers.",
        subcommands = {WhoamiCommand.class, ServicesCommand.class, CallCommand.class, StatusCommand.class,
                       WatchCommand.class, LsCommand.class, FetchCommand.class, CancelCommand.class,
                       ProxyInitCommand.class, ProxyInfoCommand.class, CompletionCommand.class,
                       AgentCommand.class})
public final class Main {
    /** Exit status: the server refused the call. */
    static final int REFUSED = 1;
    /** Exit status: the credential, trust anchors or arguments are unusable. */
    static final int USAGE = 2;
    /** Exit status: the server could not be reached. */
    static final int UNREACHABLE = 3;

    private final Invocation invocation;

    private Main(Invocation invocation) {
        this.invocation = invocation;
    }

    Invocation invocation() {
        return invocation;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(Invocation.ofThisProcess(), args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The command tree of one run. */
    static CommandLine commandLine(Invocation invocation) {
        return new CommandLine(new Main(invocation));
    }

    /**
     * Runs one command line and answers its exit status.
     *
     * @throws TerminalNeeded when the command has to ask something on a terminal and {@code invocation}
     *                        has none to offer (it then runs again in a process of its own)
     */
    public static int run(Invocation invocation, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = commandLine(invocation).setOut(out).setErr(err);
        java.util.concurrent.atomic.AtomicReference<TerminalNeeded> needed = new java.util.concurrent.atomic.AtomicReference<>();
        commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> {
            if (failure instanceof TerminalNeeded terminal) {
                needed.set(terminal);
            } else {
                cmd.getErr().println("sandgate: failed: " + failure);
            }
            return REFUSED;
        });
        int status = commandLine.execute(args);
        if (needed.get() != null) {
            throw needed.get();
        }
        return status;
    }
}
