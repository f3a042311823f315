package org.sandgate.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The commands the launcher {@code bin/sandgate} hands to the agent: those that talk to a server
 * (they take the connection options) and {@code agent} itself (its {@code status} and {@code stop}
 * ask the running agent). The build writes them, one line, into {@code target/agent-commands}
 * (the release's {@code lib/client/agent-commands}), which the launcher reads without starting a JVM.
 */
public final class AgentCommands {
    private AgentCommands() {
    }

    /** The names, in the order {@code sandgate --help} lists the commands. */
    static List<String> of(CommandLine root) {
        return root.getSubcommands().entrySet().stream()
                .filter(e -> e.getValue().getCommand() instanceof AgentCommand || talksToAServer(e.getValue()))
                .map(Map.Entry::getKey).toList();
    }

    private static boolean talksToAServer(CommandLine command) {
        return command.getCommandSpec().mixins().values().stream()
                .anyMatch(mixin -> mixin.userObject() instanceof ConnectionOptions);
    }

    /** Writes the list for the launcher: {@code AgentCommands FILE}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: AgentCommands FILE");
        }
        String line = String.join(" ", of(Main.commandLine(Invocation.ofThisProcess()))) + "\n";
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, line, StandardCharsets.US_ASCII);
    }
}
