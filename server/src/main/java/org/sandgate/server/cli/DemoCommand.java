package org.sandgate.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sandgate.server.ListeningPorts;
import org.sandgate.server.SandgateServer;
import org.sandgate.server.ca.DevCa;
import org.sandgate.server.ca.GridMapLines;
import org.sandgate.server.ca.IssuedCredential;
import org.sandgate.server.ca.Pem;
import org.sandgate.server.ca.Pkcs12;
import org.sandgate.server.config.AccountRule;
import org.sandgate.server.config.SandgateConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandgate-server demo}: on first run makes a complete demo site in a fresh directory (a
 * strong and a weak development CA, a host certificate, three users, a grid-mapfile and a
 * configuration), then starts the server on it and prints commands that work.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make a demo site (CAs, certificates, grid-mapfile) if needed and run the server on it.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The password of the demo users' {@code usercred.p12} files. */
    static final String P12_PASSWORD = "demo";

    @Option(names = "--dir", defaultValue = "sandgate-demo", description = "demo directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--https-port", defaultValue = "8443", description = "HTTPS port (default: ${DEFAULT-VALUE})")
    int httpsPort;

    @Option(names = "--http-port", defaultValue = "8080",
            description = "plain-HTTP port, 0 disables (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--setup-only", description = "make the demo site and exit without starting the server")
    boolean setupOnly;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String refusal = Launch.rootRefusal(Launch.currentUid());
        if (refusal != null && !setupOnly) {
            err.println(refusal);
            return Launch.REFUSED;
        }
        dir = dir.toAbsolutePath().normalize();     // once: jobs run in their sandboxes, not here
        Path conf = dir.resolve("conf");
        boolean exists = Files.exists(conf.resolve("sandgate.yaml"));
        if (setupOnly) {
            makeOrUse(exists, out);
            deployExamples(conf.resolve("services"), out);
            return 0;
        }
        // the ports first: a second demo on the same directory must not touch the running one's files
        SandgateConfig existing = exists ? Launch.loadConfig(conf, err) : SandgateConfig.defaults();
        if (existing == null || exists && !Launch.siteUsable(existing, err)) {
            return Launch.CONFIG_ERROR;
        }
        ListeningPorts ports = Launch.bind(existing.withPorts(httpsPort, httpPort), err);
        if (ports == null) {
            return Launch.CONFIG_ERROR;
        }
        makeOrUse(exists, out);
        deployExamples(conf.resolve("services"), out);
        SandgateConfig config = Launch.loadConfig(conf, err);
        if (config == null || !Launch.siteUsable(config, err)) {
            ports.close();
            return Launch.CONFIG_ERROR;
        }
        SandgateServer server = Launch.start(conf, dir.resolve("var"), config.withPorts(httpsPort, httpPort), ports,
                err);
        if (server == null) {
            return Launch.CONFIG_ERROR;
        }
        printCommands(out, server.httpsPort(), server.httpPort());
        return Launch.serve(server);
    }

    private void makeOrUse(boolean exists, PrintWriter out) throws IOException {
        if (exists) {
            out.println("using the demo site in " + dir);
        } else {
            makeSite(out);
        }
    }

    private void makeSite(PrintWriter out) throws IOException {
        Path conf = dir.resolve("conf");
        Path trust = conf.resolve("certificates");
        Files.createDirectories(conf.resolve("services"));
        DevCa strong = DevCa.create("/O=Sandgate Demo/CN=Sandgate Demo CA", Duration.ofDays(3650));
        DevCa weak = DevCa.create("/O=Sandgate Demo Weak/CN=Sandgate Demo Weak CA", Duration.ofDays(3650));
        strong.save(dir.resolve("ca-strong"));
        weak.save(dir.resolve("ca-weak"));
        strong.install(trust, dir.resolve("ca-strong"));
        weak.install(trust, dir.resolve("ca-weak"));

        List<String> names = new ArrayList<>(List.of("127.0.0.1", "::1"));
        String hostname = InetAddress.getLocalHost().getHostName();
        if (!hostname.equals("localhost")) {
            names.add(hostname);
        }
        strong.issueHost("localhost", names, Duration.ofDays(825))
                .write(conf.resolve("hostcert.pem"), conf.resolve("hostkey.pem"));

        String account = localAccount();
        Path gridmap = conf.resolve("grid-mapfile");
        Pem.write(gridmap, "# grid-mapfile of the Sandgate demo: \"DN\" account[,account...]\n", "rw-r--r--");
        String alice = strong.namespace() + "/OU=People/CN=Alice Demo";
        String bob = weak.namespace() + "/OU=People/CN=Bob Demo";
        String carol = strong.namespace() + "/OU=People/CN=Carol Demo";
        issueUser(strong, "alice", alice);
        issueUser(weak, "bob", bob);
        issueUser(strong, "carol", carol);
        GridMapLines.add(gridmap, alice, List.of(account));
        GridMapLines.add(gridmap, bob, List.of(account));

        Pem.write(conf.resolve("sandgate.yaml"), """
                # Sandgate demo configuration; every key is documented in the README.
                mode: personal
                anonymous: true
                tiers:
                  weak_issuers:
                    - "%s"
                  limits:
                    anonymous: 60
                    weak: 3600
                    strong: -1
                  accounts:
                    anonymous: "account:nobody"
                    weak: gridmap
                    strong: gridmap
                sandbox:
                  public: true
                  retention: 7d
                batch:
                  default: local
                developers:                 # may deploy services with PUT /api/v1/admin/services/NAME
                  - "%s"
                """.formatted(weak.subject(), alice), "rw-r--r--");
        out.println("made a demo site in " + dir.toAbsolutePath() + ":");
        out.println("  strong CA " + strong.subject() + ", weak CA " + weak.subject());
        out.println("  users: alice (strong, mapped to " + account + ", a developer), bob (weak, mapped to " + account
                + "), carol (strong, not in the grid-mapfile)");
    }

    /**
     * Copies the example service jars shipped with Sandgate into the deploy directory: those of an
     * installation ({@code examples/services/*.jar}), else those built in a checkout.
     */
    private static void deployExamples(Path services, PrintWriter out) throws IOException {
        Optional<Path> home = Launch.home();
        if (home.isEmpty()) {
            return;
        }
        List<Path> jars = exampleJars(home.get());
        if (!jars.isEmpty()) {
            Files.createDirectories(services);
        }
        for (Path jar : jars) {
            Files.copy(jar, services.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            out.println("deployed example service " + jar.getFileName());
        }
    }

    private static List<Path> exampleJars(Path home) throws IOException {
        Path installed = home.resolve("examples").resolve("services");
        if (Files.isDirectory(installed)) {
            try (var files = Files.list(installed)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                        .sorted().toList();
            }
        }
        Path built = home.resolve("services").resolve("examples");
        if (!Files.isDirectory(built)) {
            return List.of();
        }
        try (var dirs = Files.list(built)) {
            return dirs.sorted().map(d -> d.resolve("target").resolve("sandgate-example-" + d.getFileName() + ".jar"))
                    .filter(Files::isRegularFile).toList();
        }
    }

    /** A user's certificate and key as PEM files, and both with the CA as {@code usercred.p12} for browsers. */
    private void issueUser(DevCa ca, String name, String dn) throws IOException {
        IssuedCredential credential = ca.issueUser(dn, Duration.ofDays(365));
        credential.write(user(name, "usercert.pem"), user(name, "userkey.pem"));
        Pkcs12.write(user(name, "usercred.p12"), name, credential, ca.certificate(), P12_PASSWORD.toCharArray());
    }

    private Path user(String name, String file) {
        return dir.resolve("users").resolve(name).resolve(file);
    }

    /** The account users are mapped to: the one running the demo (in personal mode all work runs as it). */
    private static String localAccount() {
        String name = System.getProperty("user.name", "sandgate");
        return AccountRule.ACCOUNT_NAME.matcher(name).matches() && !name.equals("root") ? name : "sandgate";
    }

    private void printCommands(PrintWriter out, int port, int plainPort) throws IOException {
        Path d = dir.toAbsolutePath();
        String ca = d.resolve("ca-strong").resolve("ca.pem").toString();
        String url = "https://localhost:" + port;
        out.println();
        out.println("Sandgate demo is running on " + url + " (Ctrl-C stops it)"
                + (plainPort > 0 ? "; sandboxes are also served on plain HTTP at http://localhost:" + plainPort
                + "/sandbox/<id>/" : "") + ".");
        out.println("The web portal: " + url + "/ (in a browser; see below for its certificate). Try:");
        out.println();
        for (String who : List.of("alice", "bob", "carol")) {
            Path u = d.resolve("users").resolve(who);
            out.println("  curl --cacert " + ca + " --cert " + u.resolve("usercert.pem") + " --key "
                    + u.resolve("userkey.pem") + " " + url + "/api/v1/whoami");
        }
        out.println("  curl --cacert " + ca + " " + url + "/api/v1/whoami        # anonymous");
        Path p12 = d.resolve("users").resolve("alice").resolve("usercred.p12");
        boolean hasP12 = Files.isRegularFile(p12);      // demo sites made by earlier versions have none
        if (hasP12) {
            out.println("  curl --cacert " + ca + " --cert-type P12 --cert " + p12 + ":" + P12_PASSWORD + " " + url
                    + "/api/v1/whoami        # the .p12 a browser imports");
        }
        Path a = d.resolve("users").resolve("alice");
        out.println("  curl --cacert " + ca + " --cert " + a.resolve("usercert.pem") + " --key " + a.resolve("userkey.pem")
                + " -H 'Content-Type: application/json' -d '{\"args\": [\"hello\", 2]}' " + url
                + "/api/v1/services/echo/echo");
        out.println("  curl --cacert " + ca + " --cert " + a.resolve("usercert.pem") + " --key " + a.resolve("userkey.pem")
                + " -H 'Content-Type: application/json' -d '{\"args\": [5, 3, 5]}' " + url + "/api/v1/services/sleepy/add     # a job: follow status_url, then url");
        out.println("  curl --cacert " + ca + " " + url + "/api/v1/services          # what is deployed");
        out.println("  curl --cacert " + ca + " " + url + "/health");
        Optional<Path> home = Launch.home();
        if (home.isPresent()) {
            out.println("  X509_USER_CERT=" + a.resolve("usercert.pem") + " X509_USER_KEY=" + a.resolve("userkey.pem") + " "
                    + home.get().resolve("bin").resolve("sandgate") + " whoami --server " + url + " --cacert " + ca + "     # the client");
        }
        out.println();
        if (hasP12) {
            out.println("In a browser: import " + p12 + " (password " + P12_PASSWORD + "; bob and carol have theirs in users/bob "
                    + "and users/carol, same password) as your certificate and trust "
                    + ca + " for websites (see the README), then open the portal at " + url + "/");
            out.println();
        }
        out.flush();
    }
}
