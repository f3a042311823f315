package org.sandgate.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sandgate}: the command-line client. */
@Command(name = "sandgate", mixinStandardHelpOptions = true, version = "sandgate 0.1.0",
        description = "Command-line client of Sandgate servers.",
        subcommands = {WhoamiCommand.class, ServicesCommand.class, CallCommand.class, StatusCommand.class,
                       WatchCommand.class, LsCommand.class, FetchCommand.class, CancelCommand.class,
                       ProxyInitCommand.class, ProxyInfoCommand.class, CompletionCommand.class})
public final class Main {
    /** Exit status: the server refused the call. */
    static final int REFUSED = 1;
    /** Exit status: the credential, trust anchors or arguments are unusable. */
    static final int USAGE = 2;
    /** Exit status: the server could not be reached. */
    static final int UNREACHABLE = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
