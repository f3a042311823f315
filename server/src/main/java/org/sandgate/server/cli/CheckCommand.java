package org.sandgate.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMapParser;
import org.sandgate.server.tls.HostCredential;
import org.sandgate.server.tls.TlsSetupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sandgate-server check}: checks a configuration directory without starting anything. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the configuration, host credential, trust directory and grid-mapfile.")
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--conf", defaultValue = "conf", description = "configuration directory (default: ${DEFAULT-VALUE})")
    Path conf;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SandgateConfig config = Launch.loadConfig(conf, err);
        if (config == null) {
            return Launch.CONFIG_ERROR;
        }
        int problems = 0;
        out.println("sandgate.yaml: ok");
        try {
            HostCredential host = HostCredential.load(conf.resolve(config.tls().hostCert()),
                    conf.resolve(config.tls().hostKey()));
            out.println("host credential: ok (" + host.certificate().getSubjectX500Principal().getName()
                    + ", valid until " + host.certificate().getNotAfter().toInstant() + ")");
        } catch (TlsSetupException e) {
            err.println("host credential: " + e.getMessage());
            problems++;
        }
        Path trust = conf.resolve(config.tls().trustDir());
        if (Files.isDirectory(trust)) {
            try (var files = Files.list(trust)) {
                long cas = files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{8}\\.[0-9]+|.*\\.pem"))
                        .count();
                out.println("trust directory " + trust + ": " + cas + " CA files");
            }
        } else {
            err.println("trust directory " + trust + " does not exist");
            problems++;
        }
        Path gridmap = conf.resolve(config.gridmap().file());
        if (Files.isReadable(gridmap)) {
            GridMapParser.Result r = GridMapParser.parse(Files.readString(gridmap));
            out.println("grid-mapfile " + gridmap + ": " + r.summary());
            for (GridMapParser.Problem p : r.problems()) {
                err.println("grid-mapfile " + gridmap + " " + p);
                problems++;
            }
        } else {
            err.println("grid-mapfile " + gridmap + " cannot be read: nobody will be mapped");
            problems++;
        }
        return problems == 0 ? 0 : 1;
    }
}
