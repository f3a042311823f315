package org.sandgate.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The sandbox directories, one per session under the data directory: made and removed here. Files
 * in a sandbox are read by the server only from an open descriptor of the sandbox, never by a path
 * (see the server's {@code SandboxTree}).
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

    /** Removes a sandbox and everything in it; symbolic links are removed, never followed. */
    public void delete(SessionId id) throws IOException {
        Path dir = of(id);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
