package org.sandgate.client.cli;

import com.sun.security.auth.module.UnixSystem;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.credentials.GridCredentials;
import picocli.CommandLine.Option;

/** Where the server is and how to authenticate: shared by every command. */
final class ConnectionOptions {
    @Option(names = "--server", description = "server URL (default: $SANDGATE_URL or https://localhost:8443)")
    String server;

    @Option(names = "--cacert", description = "PEM file of CAs to trust (default: $X509_CERT_DIR, "
            + "~/.globus/certificates, /etc/grid-security/certificates)")
    Path caFile;

    @Option(names = "--anonymous", description = "do not present a certificate")
    boolean anonymous;

    @Option(names = "--json", description = "print the server's JSON")
    boolean json;

    SandgateClient client() {
        Map<String, String> env = System.getenv();
        Path home = Path.of(System.getProperty("user.home"));
        String url = server != null ? server : env.getOrDefault("SANDGATE_URL", "https://localhost:8443");
        SandgateClient.Builder b = SandgateClient.builder(URI.create(url))
                .trust(GridCredentials.trust(env, home, Optional.ofNullable(caFile)));
        if (!anonymous) {
            GridCredentials.locate(env, home, new UnixSystem().getUid(), ConnectionOptions::askPassPhrase)
                    .ifPresent(b::credential);
        }
        return b.build();
    }

    /** Asks for a key's pass phrase on the terminal; without one there is nobody to ask. */
    static char[] askPassPhrase() {
        Console console = System.console();
        if (console == null) {
            throw new org.sandgate.client.credentials.CredentialException(
                    "the key is encrypted and no pass phrase was given (there is no terminal to ask on)");
        }
        return console.readPassword("Enter GRID pass phrase: ");
    }
}
