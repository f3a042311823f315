package org.sandgate.client.cli;

import java.io.PrintWriter;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.SessionInfo;
import picocli.CommandLine.Command;

/** {@code sandgate status ID}: a session's state, exit code and files. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a session's state and files.")
final class StatusCommand extends SessionCommand {
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.runOnSession(spec.commandLine().getErr(), connection, () -> {
            SandgateClient client = connection.client();
            if (connection.json) {
                out.println(client.sessionJson(id).toPrettyString());
                return 0;
            }
            SessionInfo s = client.session(id);
            out.println("session:  " + s.session() + " (" + s.service() + "." + s.method() + ")");
            out.println("state:    " + s.state() + s.exitCode().map(c -> " (exit " + c + ")").orElse("")
                    + s.message().map(m -> ": " + m).orElse(""));
            out.println("sandbox:  " + s.url());
            if (s.files() != null) {
                for (SessionInfo.FileInfo f : s.files()) {
                    out.printf("  %12d  %s%n", f.size(), f.path());
                }
            }
            return 0;
        });
    }
}
