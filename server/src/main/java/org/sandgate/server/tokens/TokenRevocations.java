package org.sandgate.server.tokens;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokens revoked by administrators, one by its {@code jti} or every token of a subject issued up to
 * a moment, kept in a file of the data directory so revocations survive restarts. An entry is
 * dropped once no token it refuses can still be valid.
 */
public final class TokenRevocations {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One revocation.
     *
     * @param jti       the revoked token's id, or null for a revocation by subject
     * @param subject   the canonical subject whose tokens issued up to {@code at} are revoked, or null
     * @param at        when it was revoked
     * @param keepUntil when the entry may be forgotten (no token it refuses is valid after it)
     * @param by        the administrator
     */
    public record Revocation(String jti, String subject, String at, String keepUntil, String by) {
    }

    private final Path file;
    private final Clock clock;
    private volatile List<Revocation> entries;

    /** Reads the revocations kept in this file (none when it does not exist). */
    public TokenRevocations(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        this.entries = Files.exists(file)
                ? List.copyOf(JSON.readValue(file.toFile(), new TypeReference<List<Revocation>>() { }))
                : List.of();
    }

    /** Whether a token with this id, subject and issue time is revoked. */
    public boolean isRevoked(String jti, String canonicalSubject, Instant issuedAt) {
        for (Revocation r : entries) {
            if (r.jti() != null && r.jti().equals(jti)) {
                return true;
            }
            if (r.subject() != null && r.subject().equals(canonicalSubject)
                    && (issuedAt == null || !issuedAt.isAfter(Instant.parse(r.at())))) {
                return true;
            }
        }
        return false;
    }

    /** Revokes one token; kept until {@code validUntil}, the longest it could be valid. */
    public synchronized Revocation revokeToken(String jti, Instant validUntil, String by) throws IOException {
        Revocation r = new Revocation(jti, null, clock.instant().toString(), validUntil.toString(), by);
        save(r);
        return r;
    }

    /** Revokes every token of a subject issued until now; kept for {@code longestLifetime}. */
    public synchronized Revocation revokeSubject(String canonicalSubject, Duration longestLifetime, String by)
            throws IOException {
        Instant now = clock.instant();
        Revocation r = new Revocation(null, canonicalSubject, now.toString(), now.plus(longestLifetime).toString(), by);
        save(r);
        return r;
    }

    /** The revocations in force. */
    public List<Revocation> all() {
        return entries;
    }

    private void save(Revocation added) throws IOException {
        Instant now = clock.instant();
        List<Revocation> next = new ArrayList<>();
        for (Revocation r : entries) {
            if (Instant.parse(r.keepUntil()).isAfter(now)) {
                next.add(r);
            }
        }
        next.add(added);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        JSON.writeValue(temp.toFile(), next);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        entries = List.copyOf(next);
    }
}
