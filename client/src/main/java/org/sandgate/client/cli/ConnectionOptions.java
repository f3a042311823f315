package org.sandgate.client.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.credentials.GridCredentials;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the server is and how to authenticate: shared by every command. */
final class ConnectionOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--server", description = "server URL (default: $SANDGATE_URL or https://localhost:8443)")
    String server;

    @Option(names = "--cacert", description = "PEM file of CAs to trust (default: $X509_CERT_DIR, "
            + "~/.globus/certificates, /etc/grid-security/certificates)")
    Path caFile;

    @Option(names = "--anonymous", description = "do not present a certificate")
    boolean anonymous;

    @Option(names = "--json", description = "print the server's JSON")
    boolean json;

    /** The run this command belongs to. */
    Invocation invocation() {
        return ((Main) command.root().userObject()).invocation();
    }

    SandgateClient client() {
        Invocation run = invocation();
        String url = server != null ? server : run.env().getOrDefault("SANDGATE_URL", "https://localhost:8443");
        Path trust = GridCredentials.trustSource(run.env(), run.home(), Optional.ofNullable(caFile).map(run::resolve));
        return run.clients().client(new Clients.Settings(URI.create(url), trust,
                anonymous ? Optional.empty() : GridCredentials.find(run.env(), run.home(), run.uid())));
    }
}
