package org.sandgate.client.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.SessionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sandgate fetch ID [PATH] [-o DIR]}: one file, or every file of the sandbox, into a directory.
 * An interrupted download resumes from its {@code .part} file when the same command runs again.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download a file of a session's sandbox, or all of them; run again to resume.")
final class FetchCommand extends SessionCommand {
    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "a file in the sandbox (default: all)")
    String path;

    @Option(names = {"-o", "--output"}, defaultValue = ".", description = "directory to write into (default: .)")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.runOnSession(spec.commandLine().getErr(), connection, () -> {
            SandgateClient client = connection.client();
            List<String> paths = path != null ? List.of(path)
                    : client.session(id).files().stream().map(SessionInfo.FileInfo::path).toList();
            Path root = connection.invocation().resolve(output).toAbsolutePath().normalize();
            for (String p : paths) {
                Path target = root.resolve(p).normalize();
                if (!target.startsWith(root)) {
                    spec.commandLine().getErr().println("sandgate: skipped " + p + ": it would land outside " + root);
                    continue;
                }
                ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), p, connection.invocation().terminal());
                long size = client.fetch(id, p, target, bar::update);
                bar.finish();
                out.println(size + "  " + target);
            }
            return 0;
        });
    }
}
