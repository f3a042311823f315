package org.sandgate.server.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A file or directory held open by descriptor. Children are opened relative to it, one name at a
 * time, never following a symbolic link and never blocking (a FIFO opens at once and is then seen
 * to be one), so renames and links made while it is open cannot lead anywhere else. What a node is
 * — type, owner, size, modification time — comes from the open descriptor, not from a path.
 *
 * <p>Linux only: the descriptor is reached from the JDK through {@code /proc/self/fd/N}, which
 * names the open file itself (stat and open of it reach the same inode, whatever happened to the
 * path it was opened by).
 */
public final class OpenNode implements AutoCloseable {
    private static final int NO_FOLLOW = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY
            | Posix.O_CLOEXEC;
    private static final Set<Integer> NOT_THERE = Set.of(Posix.ENOENT, Posix.ELOOP, Posix.ENOTDIR, Posix.ENXIO,
            Posix.EACCES, Posix.EPERM, Posix.ENAMETOOLONG, Posix.ENODEV, Posix.EAGAIN, Posix.EISDIR, Posix.EOVERFLOW);

    private static final int NEW_FILE = Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW
            | Posix.O_NONBLOCK | Posix.O_NOCTTY | Posix.O_CLOEXEC;
    private static final int NEW_FILE_TRIES = 16;
    private static final int MAX_REMOVAL_DEPTH = 512;
    private static final int REMOVAL_BATCH = 4096;

    private final int fd;
    private final PosixFileAttributes attributes;
    private boolean closed;

    private OpenNode(int fd) throws IOException {
        this.fd = fd;
        try {
            this.attributes = Files.readAttributes(self(), PosixFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * Opens a directory of the server's own by its path (links on that path are followed: it is
     * the server's, not a job's). Fails when it is not a directory.
     */
    public static OpenNode directory(Path trusted) throws IOException {
        return new OpenNode(Posix.openat(Posix.AT_FDCWD, trusted.toString(),
                Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC));
    }

    /**
     * Opens the entry {@code name} of this directory without following a link. Empty when there is
     * no such entry, it is a symbolic link, or it may not be opened (permission, a socket); any other
     * failure (out of descriptors, an I/O error) is an exception.
     *
     * @param name one path component: not empty, no {@code /}, not {@code .} or {@code ..}
     */
    public Optional<OpenNode> child(String name) throws IOException {
        requireComponent(name);
        if (!isDirectory()) {
            return Optional.empty();
        }
        int child;
        try {
            child = Posix.openat(fd, name, NO_FOLLOW);
        } catch (ErrnoException e) {
            if (NOT_THERE.contains(e.errno())) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(new OpenNode(child));
    }

    private static void requireComponent(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a single path component: " + name);
        }
    }

    /**
     * Writes {@code content} as a new file {@code name} of this directory, mode 600, owned by the
     * server. Whatever has that name (a file, a link, a FIFO, a hard link to another file) is unlinked,
     * never opened; the file is then created with {@code O_CREAT | O_EXCL | O_NOFOLLOW}, so a link or
     * FIFO put there in between makes the creation fail instead of being written through or blocking.
     *
     * @throws IOException when a directory has that name, or the name keeps being taken meanwhile
     */
    public void writeNewFile(String name, byte[] content) throws IOException {
        requireComponent(name);
        if (!isDirectory()) {
            throw new IOException("not a directory");
        }
        for (int i = 0; i < NEW_FILE_TRIES; i++) {
            try {
                Posix.unlinkat(fd, name, 0);
            } catch (ErrnoException e) {
                if (e.errno() != Posix.ENOENT) {
                    throw e;
                }
            }
            int file;
            try {
                file = Posix.openat(fd, name, NEW_FILE, 0600);
            } catch (ErrnoException e) {
                if (e.errno() == Posix.EEXIST) {
                    continue;
                }
                throw e;
            }
            try (OpenNode node = new OpenNode(file);
                 FileChannel out = FileChannel.open(node.self(), StandardOpenOption.WRITE)) {
                if (!node.isRegularFile()) {
                    throw new IOException(name + ": not the file that was made");
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            return;
        }
        throw new IOException(name + ": taken again each time it was removed");
    }

    /**
     * Sets the permissions of the open file itself ({@code chmod} of {@code /proc/self/fd/N}, which
     * reaches the inode that was opened, whatever the path it was opened by now names).
     */
    public void setPermissions(Set<java.nio.file.attribute.PosixFilePermission> permissions) throws IOException {
        Files.setPosixFilePermissions(self(), permissions);
    }

    /** The number of hard links to the open file. */
    public int links() throws IOException {
        return ((Number) Files.getAttribute(self(), "unix:nlink")).intValue();
    }

    /**
     * Removes the entry {@code name} of this directory and, if it is a directory, everything in it,
     * each entry reached from its parent's descriptor: a link is removed, never followed, so what
     * is removed is always below this directory, however the names change meanwhile. Missing
     * entries are no failure.
     *
     * @throws IOException when something could not be removed (what could be is gone)
     */
    public void removeTree(String name) throws IOException {
        removeTree(name, 0);
    }

    private void removeTree(String name, int depth) throws IOException {
        Optional<OpenNode> child = child(name);
        if (child.isPresent()) {
            try (OpenNode node = child.get()) {
                if (node.isDirectory()) {
                    if (depth > MAX_REMOVAL_DEPTH) {
                        throw new IOException(name + ": more than " + MAX_REMOVAL_DEPTH + " directories deep");
                    }
                    List<String> names = new ArrayList<>();
                    try (SecureDirectoryStream<Path> entries = node.entries()) {
                        for (Path entry : entries) {
                            names.add(entry.getFileName().toString());
                            if (names.size() >= REMOVAL_BATCH) {
                                break;
                            }
                        }
                    }
                    for (String n : names) {
                        node.removeTree(n, depth + 1);
                    }
                    if (names.size() >= REMOVAL_BATCH) {
                        removeTree(name, depth);
                        return;
                    }
                }
            }
        }
        boolean directory = child.isPresent() && child.get().attributes.isDirectory();
        try {
            Posix.unlinkat(fd, name, directory ? Posix.AT_REMOVEDIR : 0);
        } catch (ErrnoException e) {
            if (e.errno() == Posix.ENOENT) {
                return;
            }
            boolean swapped = e.errno() == Posix.EISDIR || e.errno() == Posix.ENOTDIR || e.errno() == Posix.ENOTEMPTY
                    || e.errno() == Posix.EPERM;
            if (swapped && depth < MAX_REMOVAL_DEPTH) {
                // the name stands for something else than what was opened: remove what is there now
                removeTree(name, depth + 1);
                return;
            }
            throw e;
        }
    }

    /** Type, owner, permissions, size and times of the open file (fstat). */
    public PosixFileAttributes attributes() {
        return attributes;
    }

    public boolean isDirectory() {
        return attributes.isDirectory();
    }

    public boolean isRegularFile() {
        return attributes.isRegularFile();
    }

    /** A channel reading this regular file (the same inode, however the path changed since). */
    public FileChannel read() throws IOException {
        if (!isRegularFile()) {
            throw new IOException("not a regular file");
        }
        return FileChannel.open(self(), StandardOpenOption.READ);
    }

    /**
     * The names in this directory. The stream reads attributes relative to this directory, without
     * following links ({@link SecureDirectoryStream#getFileAttributeView}); its entries are
     * {@code <descriptor path>/<name>}: use only their file names.
     */
    public SecureDirectoryStream<Path> entries() throws IOException {
        if (!isDirectory()) {
            throw new IOException("not a directory");
        }
        DirectoryStream<Path> stream = Files.newDirectoryStream(self());
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform has no descriptor-relative directory streams");
    }

    private Path self() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        return Path.of("/proc/self/fd/" + fd);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Posix.close(fd);
        }
    }
}
