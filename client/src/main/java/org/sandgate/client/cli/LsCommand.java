package org.sandgate.client.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.sandgate.client.SessionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sandgate ls ID}: the files of a session's sandbox. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the files of a session's sandbox.")
final class LsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "ID", description = "the session id")
    String id;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.run(spec.commandLine().getErr(), () -> {
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
