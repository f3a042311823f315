package org.sandgate.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sandgate cancel ID}: cancels the job and removes the session and its sandbox. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a session's job and remove the session with its sandbox.")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "the session id")
    String id;

    @Override
    public Integer call() {
        return Failures.run(spec.commandLine().getErr(), () -> {
            connection.client().cancel(id);
            spec.commandLine().getOut().println("session " + id + " cancelled and removed");
            return 0;
        });
    }
}
