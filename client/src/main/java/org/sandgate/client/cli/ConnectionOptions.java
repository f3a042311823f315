package org.sandgate.client.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.credentials.CredentialFiles;
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

    private String used;

    /** The run this command belongs to. */
    Invocation invocation() {
        return ((Main) command.root().userObject()).invocation();
    }

    /** The server's URL from {@code --server} or {@code SANDGATE_URL}, refused unless it is {@code https://HOST[:PORT]}. */
    URI serverUrl(Invocation run) {
        String from = server != null ? "--server" : run.env().containsKey("SANDGATE_URL") ? "SANDGATE_URL" : null;
        String url = server != null ? server : run.env().getOrDefault("SANDGATE_URL", "https://localhost:8443");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new BadArgument(from + " " + url + " is not a URL (" + e.getReason() + "); give https://HOST[:PORT]");
        }
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            throw new BadArgument(from + " " + url + ": the API is served over HTTPS only (the plain-HTTP port "
                    + "serves sandboxes, not the API); give https://HOST[:PORT], e.g. https://localhost:8443");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new BadArgument(from + " " + url + " is not a server URL; give https://HOST[:PORT], "
                    + "e.g. https://localhost:8443");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
            throw new BadArgument(from + " " + url + ": give the server only, https://HOST[:PORT], without a path");
        }
        return uri;
    }

    SandgateClient client() {
        Invocation run = invocation();
        URI url = serverUrl(run);
        Path trust = GridCredentials.trustSource(run.env(), run.home(), Optional.ofNullable(caFile).map(run::resolve));
        Optional<CredentialFiles> files = anonymous ? Optional.empty()
                : GridCredentials.find(run.env(), run.home(), run.uid());
        SandgateClient client = run.clients().client(new Clients.Settings(url, trust, files));
        used = files.map(f -> "with " + f.describe() + ", identity "
                        + GridCredentials.identity(client.certificateChain().toArray(new X509Certificate[0])))
                .orElse(anonymous ? "anonymously (--anonymous)"
                        : "anonymously: no credential was found (looked for "
                                + String.join(", ", GridCredentials.searched(run.env(), run.home(), run.uid())) + ")");
        return client;
    }

    /** How the last client made presented itself: the credential's files and identity, or why it was anonymous. */
    Optional<String> credentialUsed() {
        return Optional.ofNullable(used);
    }
}
