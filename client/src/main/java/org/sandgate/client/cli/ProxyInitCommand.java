package org.sandgate.client.cli;

import com.sun.security.auth.module.UnixSystem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sandgate.client.credentials.CredentialException;
import org.sandgate.client.credentials.GridCredentials;
import org.sandgate.client.credentials.ProxyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandgate proxy-init}: an RFC 3820 proxy from the user's certificate, as
 * {@code grid-proxy-init} makes it, at the standard path with mode 600. The pass phrase of an
 * encrypted key is asked once, on the terminal.
 */
@Command(name = "proxy-init", mixinStandardHelpOptions = true,
        description = "Make a proxy certificate from your certificate (X509_USER_CERT/X509_USER_KEY or ~/.globus).")
final class ProxyInitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "-valid", paramLabel = "HH:MM", defaultValue = "12:00", description = "lifetime (default 12:00)")
    String valid;

    @Option(names = "-bits", defaultValue = "2048", description = "key length in bits (default 2048)")
    int bits;

    @Option(names = "-limited", description = "make a limited proxy")
    boolean limited;

    @Option(names = "-out", paramLabel = "FILE", description = "where to write it (default $X509_USER_PROXY or /tmp/x509up_u<uid>)")
    Path out;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Duration lifetime = lifetime(valid);
            if (bits < 1024 || bits > 16384) {
                throw new CredentialException("-bits must be between 1024 and 16384");
            }
            Map<String, String> env = System.getenv();
            Path file = out != null ? out : ProxyFiles.defaultPath(env, new UnixSystem().getUid());
            var user = GridCredentials.userCertificate(env, Path.of(System.getProperty("user.home")),
                    Clients.Fresh::askPassPhrase);
            ProxyFiles.Info info = ProxyFiles.create(user, lifetime, bits, limited, file);
            stdout.println("Your identity: " + info.identity());
            stdout.println("Creating proxy " + ".".repeat(20) + " Done");
            stdout.println("Your proxy is valid until: " + info.notAfter());
            stdout.println("Proxy file: " + file);
            return 0;
        } catch (CredentialException e) {
            err.println("sandgate: " + e.getMessage());
            return Main.USAGE;
        }
    }

    /** {@code HH:MM} as a duration. */
    static Duration lifetime(String hhmm) {
        if (!hhmm.matches("[0-9]{1,4}:[0-5][0-9]")) {
            throw new CredentialException("-valid takes HH:MM, e.g. 12:00");
        }
        String[] p = hhmm.split(":");
        Duration d = Duration.ofHours(Long.parseLong(p[0])).plusMinutes(Long.parseLong(p[1]));
        if (d.isZero()) {
            throw new CredentialException("-valid must be longer than 00:00");
        }
        return d;
    }
}
