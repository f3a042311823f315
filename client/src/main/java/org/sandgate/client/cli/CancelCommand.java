package org.sandgate.client.cli;

import picocli.CommandLine.Command;

/** {@code sandgate cancel ID}: cancels the job and removes the session and its sandbox. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a session's job and remove the session with its sandbox.")
final class CancelCommand extends SessionCommand {
    @Override
    public Integer call() {
        return Failures.runOnSession(spec.commandLine().getErr(), connection, () -> {
            connection.client().cancel(id);
            spec.commandLine().getOut().println("session " + id + " cancelled and removed");
            return 0;
        });
    }
}
