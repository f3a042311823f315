package org.sandgate.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The sandbox directories, one per session under the data directory. Files in a sandbox are read
 * and removed by the server only from an open descriptor of the sandbox, never by a path (see the
 * server's {@code SandboxTree} and {@code OpenNode}).
 */
public final class Sandboxes {
    private final Path root;

    /** Sandboxes under {@code root} (made mode 700 if missing). */
    public Sandboxes(Path root) throws IOException {
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        this.root = root.toRealPath();
    }

    /** Makes the sandbox of a new session. */
    public Path create(SessionId id) throws IOException {
        Path dir = root.resolve(id.value());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return dir;
    }

    /** The directory that holds the sandboxes. */
    public Path root() {
        return root;
    }

    /** The sandbox directory of a session (it may not exist). */
    public Path of(SessionId id) {
        return root.resolve(id.value());
    }
}
