package org.sandgate.client.cli;

import java.io.PrintWriter;
import org.sandgate.client.SessionInfo;
import picocli.CommandLine.Command;

/** {@code sandgate ls ID}: the files of a session's sandbox. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the files of a session's sandbox.")
final class LsCommand extends SessionCommand {
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.runOnSession(spec.commandLine().getErr(), connection, () -> {
            if (connection.json) {
                out.println(connection.client().sessionJson(id).path("files").toPrettyString());
                return 0;
            }
            for (SessionInfo.FileInfo f : connection.client().session(id).files()) {
                out.printf("%12d  %s  %s%n", f.size(), f.mtime(), f.path());
            }
            return 0;
        });
    }
}
