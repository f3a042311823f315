package org.sandgate.server.files;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;

/**
 * The files of sandboxes as the server reads them: every file and directory is reached from an open
 * descriptor of the sandbox directory, one name at a time, never following a symbolic link. The
 * sandbox directory itself is opened the same way from the sandbox root and must be a real
 * directory that belongs to the account the session's jobs run as. A link anywhere on a path, a
 * rename racing the walk, or another owner's directory put in the sandbox's place leads nowhere
 * (empty), never out of the sandbox.
 */
public final class SandboxTree {
    /** Directories deeper than this below the sandbox are left out of archives and file lists. */
    public static final int MAX_DEPTH = 64;

    private final Path root;
    private final Function<SessionId, String> names;
    private final Function<Session, String> owner;

    /**
     * @param root  the directory that holds the sandboxes (the server's own)
     * @param names the name of a session's sandbox in {@code root}
     * @param owner the account a session's sandbox must belong to
     */
    public SandboxTree(Path root, Function<SessionId, String> names, Function<Session, String> owner) {
        this.root = root;
        this.names = names;
        this.owner = owner;
    }

    /**
     * Opens a file or directory of a session's sandbox. Empty when the sandbox or an element of the
     * path is missing, a symbolic link, unreadable, or not a directory where one is needed, or when
     * the sandbox directory is not the session account's.
     *
     * @param path single components (no separators, no dot-segments); empty for the sandbox itself
     */
    public Optional<OpenNode> open(Session session, List<String> path) throws IOException {
        OpenNode node;
        try (OpenNode sandboxes = OpenNode.directory(root)) {
            Optional<OpenNode> sandbox = sandboxes.child(names.apply(session.id()));
            if (sandbox.isEmpty()) {
                return Optional.empty();
            }
            node = sandbox.get();
        }
        if (!node.isDirectory() || !node.attributes().owner().getName().equals(owner.apply(session))) {
            node.close();
            return Optional.empty();
        }
        for (String name : path) {
            Optional<OpenNode> next;
            try {
                next = node.child(name);
            } finally {
                node.close();
            }
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
        }
        return Optional.of(node);
    }

    /** A regular file of a sandbox: its path below the sandbox, size and modification time. */
    public record FileEntry(String path, long size, Instant mtime) {
    }

    /**
     * At most {@code max} regular files of the sandbox {@code name} of {@code root}, walked as {@link #walk} does, from
     * the sandbox opened without following a link; empty when there is no such directory.
     */
    public static List<FileEntry> files(Path root, String name, int max) throws IOException {
        List<FileEntry> out = new ArrayList<>();
        Optional<OpenNode> sandbox;
        try (OpenNode sandboxes = OpenNode.directory(root)) {
            sandbox = sandboxes.child(name);
        }
        if (sandbox.isEmpty()) {
            return out;
        }
        try (OpenNode dir = sandbox.get()) {
            if (!dir.isDirectory()) {
                return out;
            }
            walk(dir, new Visitor() {
                @Override
                public boolean directory(String relative, OpenNode d) {
                    return true;
                }

                @Override
                public boolean file(String relative, OpenNode file) {
                    out.add(new FileEntry(relative, file.attributes().size(),
                            file.attributes().lastModifiedTime().toInstant()));
                    return out.size() < max;
                }
            });
        }
        return out;
    }

    /** What a walk meets: directories and regular files; anything else is left out. */
    public interface Visitor {
        /** A directory below the start ({@code relative} without a trailing slash); false stops the walk. */
        boolean directory(String relative, OpenNode dir) throws IOException;

        /** A regular file, open; false stops the walk. */
        boolean file(String relative, OpenNode file) throws IOException;
    }

    /**
     * Walks a directory depth-first in directory order, each entry opened from its parent's
     * descriptor without following links; links, FIFOs, sockets and devices are skipped, and so are
     * directories more than {@value #MAX_DEPTH} levels down. Holds one directory stream per level,
     * never a whole listing.
     */
    public static void walk(OpenNode dir, Visitor visitor) throws IOException {
        walk(dir, "", 1, visitor);
    }

    private static boolean walk(OpenNode dir, String prefix, int depth, Visitor visitor) throws IOException {
        try (SecureDirectoryStream<Path> entries = dir.entries()) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Optional<OpenNode> child = dir.child(name);
                if (child.isEmpty()) {
                    continue;
                }
                try (OpenNode node = child.get()) {
                    String relative = prefix + name;
                    if (node.isRegularFile()) {
                        if (!visitor.file(relative, node)) {
                            return false;
                        }
                    } else if (node.isDirectory() && depth <= MAX_DEPTH) {
                        if (!visitor.directory(relative, node) || !walk(node, relative + "/", depth + 1, visitor)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }
}
