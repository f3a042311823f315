package org.sandgate.server.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.server.files.DataDirectory;
import org.sandgate.server.identity.DistinguishedNames;

/**
 * Banned DNs: refused on every request at once, and still after a restart (kept in a JSON file,
 * replaced atomically on every change). DNs are compared as the grid-mapfile compares them.
 */
public final class Bans {
    private static final ObjectMapper JSON = org.sandgate.server.json.StrictJson.mapper();

    /** A ban: who, why, by whom and since when. */
    public record Ban(String dn, String reason, String by, String since) {
    }

    private final Path file;
    private final Clock clock;
    private volatile Map<String, Ban> byKey;

    public Bans(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        Map<String, Ban> loaded = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (Ban b : JSON.readValue(file.toFile(), new TypeReference<List<Ban>>() { })) {
                loaded.put(DistinguishedNames.canonicalOfAnyForm(b.dn()), b);
            }
        }
        this.byKey = Map.copyOf(loaded);
    }

    /** Whether a subject (canonical RFC 2253 form) is banned. */
    public boolean isBanned(String canonicalDn) {
        return byKey.containsKey(canonicalDn);
    }

    /** Every ban. */
    public List<Ban> all() {
        return List.copyOf(byKey.values());
    }

    /**
     * Bans a DN (slash or RFC 2253 form).
     *
     * @throws IllegalArgumentException when the text is not a DN
     */
    public synchronized Ban ban(String dn, String reason, String by) throws IOException {
        String key = DistinguishedNames.canonicalOfAnyForm(dn);
        Map<String, Ban> next = new LinkedHashMap<>(byKey);
        Ban ban = new Ban(dn, reason, by, clock.instant().toString());
        next.put(key, ban);
        save(next);
        return ban;
    }

    /** Lifts a ban; false when the DN was not banned. */
    public synchronized boolean unban(String dn) throws IOException {
        String key = DistinguishedNames.canonicalOfAnyForm(dn);
        if (!byKey.containsKey(key)) {
            return false;
        }
        Map<String, Ban> next = new LinkedHashMap<>(byKey);
        next.remove(key);
        save(next);
        return true;
    }

    private void save(Map<String, Ban> next) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        DataDirectory.privateFile(temp);
        JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), new ArrayList<>(next.values()));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        byKey = Map.copyOf(next);
    }
}
