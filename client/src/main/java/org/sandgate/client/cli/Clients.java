package org.sandgate.client.cli;

import eu.emi.security.authn.x509.X509Credential;
import java.io.Console;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.credentials.CredentialException;
import org.sandgate.client.credentials.CredentialFiles;
import org.sandgate.client.credentials.GridCredentials;

/** Makes the client a command talks to the server with: a new one per run, or one kept by the agent. */
public interface Clients {
    /**
     * What a client is made of.
     *
     * @param server     the server's URL
     * @param trust      the trust anchors: a directory or a PEM file
     * @param credential the credential's files; empty for anonymous calls
     */
    record Settings(URI server, Path trust, Optional<CredentialFiles> credential) {
        /** A client with these settings and {@code credential} (read from {@link #credential()}). */
        public SandgateClient build(Optional<X509Credential> loaded) {
            SandgateClient.Builder b = SandgateClient.builder(server).trust(GridCredentials.trust(trust));
            loaded.ifPresent(b::credential);
            return b.build();
        }
    }

    /** The client for {@code settings}. */
    SandgateClient client(Settings settings);

    /** A new client for every run; an encrypted key's pass phrase is asked on the terminal. */
    final class Fresh implements Clients {
        @Override
        public SandgateClient client(Settings settings) {
            return settings.build(settings.credential().map(files -> files.load(Fresh::askPassPhrase)));
        }

        static char[] askPassPhrase() {
            Console console = System.console();
            if (console == null) {
                throw new CredentialException(
                        "the key is encrypted and no pass phrase was given (there is no terminal to ask on)");
            }
            return console.readPassword("Enter GRID pass phrase: ");
        }
    }
}
