package org.sandgate.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sandgate-server}: the container, its demo and its development CA. */
@Command(name = "sandgate-server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Sandgate: a secure job-execution container for compute clusters.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckCommand.class, CaCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for tests that run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sandgate-server: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl;
    }
}
