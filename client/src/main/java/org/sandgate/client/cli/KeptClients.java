package org.sandgate.client.cli;

import eu.emi.security.authn.x509.X509Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.sandgate.client.SandgateClient;

/**
 * The agent's clients, kept from one command to the next with their TLS sessions and open
 * connections. A client is made again as soon as one of its files changes (a new proxy from
 * {@code proxy-init}, a renewed certificate, a new CA file), and a kept credential is checked for
 * expiry at every use. Credentials that need a pass phrase are never kept: they raise
 * {@link TerminalNeeded}, and the command runs in a process of its own that can ask.
 */
final class KeptClients implements Clients {
    private static final int MAX_KEPT = 16;

    private record Kept(SandgateClient client, Optional<X509Credential> credential, List<Object> stamps) {
    }

    private final Map<Settings, Kept> kept = new ConcurrentHashMap<>();

    @Override
    public SandgateClient client(Settings settings) {
        List<Object> stamps = stamps(settings);
        Kept k = kept.get(settings);
        if (k != null && k.stamps().equals(stamps)) {
            try {
                settings.credential().ifPresent(files -> files.checkStillValid(k.credential().orElseThrow()));
            } catch (RuntimeException expired) {
                kept.remove(settings);
                throw expired;
            }
            return k.client();
        }
        Optional<X509Credential> credential = settings.credential().map(files -> files.load(() -> {
            throw new TerminalNeeded("the key is encrypted");
        }));
        SandgateClient client = settings.build(credential);
        if (kept.size() >= MAX_KEPT) {
            kept.clear();
        }
        kept.put(settings, new Kept(client, credential, stamps));
        return client;
    }

    /** What identifies the contents of every file a client was made from, as far as the file system tells. */
    private static List<Object> stamps(Settings settings) {
        List<Path> files = new ArrayList<>();
        files.add(settings.trust());
        settings.credential().ifPresent(c -> files.addAll(c.paths()));
        List<Object> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size()));
            } catch (IOException e) {
                stamps.add("unreadable " + file);
            }
        }
        return stamps;
    }
}
