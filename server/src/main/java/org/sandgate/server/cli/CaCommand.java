package org.sandgate.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import eu.emi.security.authn.x509.impl.CertificateUtils;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.ca.GridMapLines;
import org.sandgate.server.ca.IssuedCredential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sandgate-server ca}: the development CA. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Development certificate authority: CAs, host and user certificates, CRLs.",
        subcommands = {CaCommand.Init.class, CaCommand.Host.class, CaCommand.User.class,
                       CaCommand.Install.class, CaCommand.Revoke.class})
final class CaCommand {

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Make a new CA in a directory.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", required = true, description = "directory for ca.pem and ca.key")
        Path dir;
        @Option(names = "--subject", defaultValue = "/O=Sandgate Dev/CN=Sandgate Dev CA",
                description = "CA subject in slash form (default: ${DEFAULT-VALUE})")
        String subject;
        @Option(names = "--days", defaultValue = "3650", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;
        @Option(names = "--weak", description = "print the sandgate.yaml lines that make this CA's users 'weak'")
        boolean weak;

        @Override
        public Integer call() throws IOException {
            if (Files.exists(dir.resolve("ca.key"))) {
                spec.commandLine().getErr().println("sandgate-server ca: " + dir + " already holds a CA");
                return 1;
            }
            DevCa ca = DevCa.create(subject, Duration.ofDays(days));
            ca.save(dir);
            PrintWriter out = spec.commandLine().getOut();
            out.println("CA " + ca.subject() + " written to " + dir + " (hash " + ca.opensslHash() + ")");
            out.println("subjects it issues start with " + ca.namespace() + "/");
            if (weak) {
                out.println("to make its users weak, add to sandgate.yaml:");
                out.println("tiers:\n  weak_issuers:\n    - \"" + ca.subject() + "\"");
            }
            return 0;
        }
    }

    @Command(name = "host", mixinStandardHelpOptions = true, description = "Issue a host certificate.")
    static final class Host implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--cn", defaultValue = "localhost", description = "host name (default: ${DEFAULT-VALUE})")
        String hostname;
        @Option(names = "--san", split = ",", description = "more DNS names or IP addresses")
        List<String> altNames = List.of("127.0.0.1", "::1");
        @Option(names = "--out", required = true, description = "directory for hostcert.pem and hostkey.pem")
        Path out;
        @Option(names = "--days", defaultValue = "825", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;

        @Override
        public Integer call() throws IOException {
            IssuedCredential host = DevCa.load(caDir).issueHost(hostname, altNames, Duration.ofDays(days));
            host.write(out.resolve("hostcert.pem"), out.resolve("hostkey.pem"));
            spec.commandLine().getOut().println("host certificate for " + hostname + " written to "
                    + out.resolve("hostcert.pem") + " and " + out.resolve("hostkey.pem"));
            return 0;
        }
    }

    @Command(name = "user", mixinStandardHelpOptions = true, description = "Issue a user certificate.")
    static final class User implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--cn", description = "the user's common name; the subject is the CA's namespace + /OU=People/CN=...")
        String commonName;
        @Option(names = "--subject", description = "the full subject in slash form, instead of --cn")
        String subject;
        @Option(names = "--out", required = true, description = "directory for usercert.pem and userkey.pem")
        Path out;
        @Option(names = "--days", defaultValue = "365", description = "validity in days (default: ${DEFAULT-VALUE})")
        int days;
        @Option(names = "--gridmap", description = "grid-mapfile to add the user's line to")
        Path gridmap;
        @Option(names = "--account", description = "local account(s) for the grid-mapfile line, comma-separated")
        String account;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            if ((commonName == null) == (subject == null)) {
                err.println("sandgate-server ca user: give either --cn or --subject");
                return 2;
            }
            if ((gridmap == null) != (account == null)) {
                err.println("sandgate-server ca user: --gridmap and --account go together");
                return 2;
            }
            DevCa ca = DevCa.load(caDir);
            String dn = subject != null ? subject : ca.namespace() + "/OU=People/CN=" + commonName;
            IssuedCredential user = ca.issueUser(dn, Duration.ofDays(days));
            user.write(out.resolve("usercert.pem"), out.resolve("userkey.pem"));
            PrintWriter o = spec.commandLine().getOut();
            o.println("user certificate for " + dn + " written to " + out.resolve("usercert.pem")
                    + " and " + out.resolve("userkey.pem"));
            if (gridmap != null) {
                GridMapLines.add(gridmap, dn, List.of(account.split(",")));
                o.println("grid-mapfile " + gridmap + ": " + GridMapLines.line(dn, List.of(account.split(","))));
            }
            return 0;
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install the CA, its CRL and policy files into a trust directory.")
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--trust-dir", required = true, description = "e.g. conf/certificates")
        Path trustDir;

        @Override
        public Integer call() throws IOException {
            DevCa ca = DevCa.load(caDir);
            ca.install(trustDir, caDir);
            spec.commandLine().getOut().println("installed " + ca.subject() + " into " + trustDir
                    + " as " + ca.opensslHash() + ".0 (.r0, .signing_policy, .namespaces)");
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a certificate and write the new CRL.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--ca", required = true, description = "CA directory")
        Path caDir;
        @Option(names = "--cert", required = true, description = "the certificate to revoke (PEM)")
        Path cert;
        @Option(names = "--trust-dir", description = "trust directory to install the new CRL into")
        Path trustDir;

        @Override
        public Integer call() throws IOException {
            DevCa ca = DevCa.load(caDir);
            X509Certificate victim;
            try (InputStream in = Files.newInputStream(cert)) {
                victim = CertificateUtils.loadCertificate(in, CertificateUtils.Encoding.PEM);
            }
            if (!victim.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
                spec.commandLine().getErr().println("sandgate-server ca revoke: " + cert
                        + " was not issued by this CA");
                return 1;
            }
            BigInteger serial = victim.getSerialNumber();
            DevCa.revoke(caDir, serial);
            if (trustDir != null) {
                ca.install(trustDir, caDir);
            }
            spec.commandLine().getOut().println("revoked serial " + serial.toString(16)
                    + (trustDir == null ? "" : "; CRL installed into " + trustDir));
            return 0;
        }
    }
}
