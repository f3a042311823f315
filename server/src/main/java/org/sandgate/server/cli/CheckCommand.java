package org.sandgate.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sandgate.server.backends.ContainmentException;
import org.sandgate.server.backends.JobContainment;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMapParser;
import org.sandgate.server.tls.HostCredential;
import org.sandgate.server.tls.TlsSetupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandgate-server check}: checks a configuration directory without starting anything, and
 * reports every problem at once: those of {@code sandgate.yaml} (the keys it could read are used for
 * the other checks), the host credential, the trust directory and the grid-mapfile; and it says
 * which containment local jobs get.
 *
 * <p>Exit status: 0 no problem; 1 the server would start, but with problems (grid-mapfile lines
 * skipped, no trust anchors); 2 the server would refuse to start ({@code run} exits 2 too).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check the configuration, host credential, trust directory and grid-mapfile.")
final class CheckCommand implements Callable<Integer> {
    /** Exit status when the server would start, but with problems. */
    static final int WARNINGS = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--conf", defaultValue = "conf", description = "configuration directory (default: ${DEFAULT-VALUE})")
    Path conf;

    private PrintWriter out;
    private PrintWriter err;
    private int status;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        if (!Files.isDirectory(conf)) {
            err.println("configuration directory " + conf + " does not exist");
            return Launch.CONFIG_ERROR;
        }
        Path file = conf.resolve("sandgate.yaml");
        ConfigLoader.Report report = new ConfigLoader().read(file);
        if (report.problems().isEmpty()) {
            out.println(file + ": ok" + (Files.exists(file) ? "" : " (no file: every key at its default)")
                    + (report.warnings().isEmpty() ? "" : ", with " + count(report.warnings().size(), "warning") + ":"));
        } else {
            err.println(file + ": " + count(report.problems().size(), "problem")
                    + " (the other checks use the keys that could be read):");
            report.problems().forEach(p -> err.println("  " + file + " " + p));
            fatal();
        }
        report.warnings().forEach(w -> err.println("  " + file + " " + w));
        if (!report.warnings().isEmpty()) {
            warn();
        }
        SandgateConfig config = report.config();
        checkHostCredential(config);
        checkTrustDirectory(conf.resolve(config.tls().trustDir()));
        checkGridMap(conf.resolve(config.gridmap().file()));
        checkContainment(config);
        out.flush();
        err.flush();
        return status;
    }

    private void checkHostCredential(SandgateConfig config) {
        try {
            HostCredential host = HostCredential.load(conf.resolve(config.tls().hostCert()),
                    conf.resolve(config.tls().hostKey()));
            out.println("host credential: ok (" + host.certificate().getSubjectX500Principal().getName()
                    + ", valid until " + host.certificate().getNotAfter().toInstant() + ")");
        } catch (TlsSetupException e) {
            err.println("host credential: " + e.getMessage());
            fatal();
        }
    }

    private void checkTrustDirectory(Path trust) throws IOException {
        if (!Files.isDirectory(trust)) {
            err.println("trust directory " + trust + " does not exist: make it and install the CAs whose "
                    + "users may connect (bin/sandgate-server ca install --ca CA_DIR --trust-dir " + trust
                    + ", or use the site's /etc/grid-security/certificates as tls.trust_dir)");
            fatal();
            return;
        }
        long cas;
        try (var files = Files.list(trust)) {
            cas = files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{8}\\.[0-9]+|.*\\.pem")).count();
        }
        if (cas == 0) {
            err.println("trust directory " + trust + " holds no CA files: no client certificate will be accepted "
                    + "(install CAs with bin/sandgate-server ca install --ca CA_DIR --trust-dir " + trust + ")");
            warn();
        } else {
            out.println("trust directory " + trust + ": " + count(cas, "CA file"));
        }
    }

    private void checkGridMap(Path gridmap) throws IOException {
        if (!Files.isReadable(gridmap)) {
            err.println("grid-mapfile " + gridmap + " cannot be read: nobody will be mapped");
            warn();
            return;
        }
        GridMapParser.Result r = GridMapParser.parse(Files.readString(gridmap));
        (r.problems().isEmpty() ? out : err).println("grid-mapfile " + gridmap + ": " + r.summary());
        for (GridMapParser.Problem p : r.problems()) {
            err.println("  grid-mapfile " + gridmap + " " + p);
            warn();
        }
    }

    /** Which containment local jobs would get, tried as this account (shared mode: also as the accounts at start). */
    private void checkContainment(SandgateConfig config) {
        try {
            JobContainment.Decision d = JobContainment.decide(config.jobs(), List.of(), Optional.empty(), Optional.empty());
            if (d.warning() && !config.jobs().containment().equals("none")) {
                err.println("containment: " + d.description());     // auto found no working bubblewrap
                warn();
            } else {
                out.println("containment: " + d.description());
            }
        } catch (ContainmentException e) {
            err.println("containment: " + e.getMessage());
            fatal();
        }
    }

    private void fatal() {
        status = Launch.CONFIG_ERROR;
    }

    private void warn() {
        status = Math.max(status, WARNINGS);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
