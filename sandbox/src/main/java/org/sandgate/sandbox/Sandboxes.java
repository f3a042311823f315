package org.sandgate.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox directories, one per session under the data directory, named by {@link SandboxNames}
 * (never by the session id, which is a capability). Sandboxes that an earlier version made, named by
 * their session's id, are found when the server starts and keep their names. Files in a sandbox are
 * read and removed by the server only from an open descriptor of the sandbox, never by a path (see
 * the server's {@code SandboxTree} and {@code OpenNode}).
 */
public final class Sandboxes {
    private final Path root;
    private final SandboxNames names;
    private final Set<String> legacy = ConcurrentHashMap.newKeySet();

    /** Sandboxes under {@code root}, named with the key {@code sandbox-names.key} beside it. */
    public Sandboxes(Path root) throws IOException {
        this(root, namesBeside(root));
    }

    private static SandboxNames namesBeside(Path root) throws IOException {
        Path parent = root.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        return SandboxNames.load(parent.resolve("sandbox-names.key"));
    }

    /**
     * Sandboxes under {@code root} (made mode 700 if missing).
     *
     * @param names how sandboxes are named
     */
    public Sandboxes(Path root, SandboxNames names) throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        this.root = root.toRealPath();
        this.names = names;
        // listed once: an entry of that form made later (shared mode lets accounts make entries) is never taken
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(this.root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                SessionId.parse(name).ifPresent(id -> legacy.add(name));
            }
        }
    }

    /** Makes the sandbox of a new session (personal mode: the server's own, mode 700). */
    public Path create(SessionId id) throws IOException {
        Path dir = root.resolve(nameOf(id));
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    /** The directory that holds the sandboxes. */
    public Path root() {
        return root;
    }

    /** The sandbox directory of a session (it may not exist). */
    public Path of(SessionId id) {
        return root.resolve(nameOf(id));
    }

    /**
     * The name of a session's sandbox in {@link #root}: its {@link SandboxNames} name, or its id for a
     * sandbox an earlier version made.
     */
    public String nameOf(SessionId id) {
        return legacy.contains(id.value()) ? id.value() : names.nameOf(id);
    }
}
