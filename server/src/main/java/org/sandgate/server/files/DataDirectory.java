package org.sandgate.server.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data directory, private to the server's account whatever the umask: the directory
 * itself mode 700 (711 in shared mode, so that the jobs' accounts pass through to their sandboxes
 * without listing it), every directory below it 700 and every file readable and writable by the
 * owner only. The sandbox tree ({@code sandboxes/}) keeps the modes its own code gives it.
 * Modes are set explicitly when something is made, and {@link #secure} checks what exists at
 * start and fixes it, logging each fix.
 */
public final class DataDirectory {
    /** The mode of a directory below the data directory. */
    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** The mode of a file made by the server. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> SHARED_ROOT = PosixFilePermissions.fromString("rwx--x--x");
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    /** Directories the server keeps below the data directory. */
    private static final List<String> DIRECTORIES = List.of("state", "logs", "deployed", "jobs");
    private static final String SANDBOXES = "sandboxes";
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    private DataDirectory() {
    }

    /**
     * Makes the data directory and the server's directories in it if they are missing, with their
     * modes, without checking what is inside (for the start, before the log file opens).
     */
    public static void create(Path data, boolean shared) throws IOException {
        Set<PosixFilePermission> mode = shared ? SHARED_ROOT : PRIVATE_DIRECTORY;
        if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
            Set<PosixFilePermission> before = Files.getPosixFilePermissions(data, LinkOption.NOFOLLOW_LINKS);
            if (!before.equals(mode)) {
                Files.setPosixFilePermissions(data, mode);
                log(data, before, mode);
            }
        } else {
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, mode);
        }
        for (String name : DIRECTORIES) {
            privateDirectory(data.resolve(name));
        }
    }

    /**
     * Makes the data directory as {@link #create} does, then walks what is in it (links not
     * followed, the sandbox tree left out) and takes every permission of group and others away,
     * logging each change.
     *
     * @return how many modes were fixed
     */
    public static int secure(Path data, boolean shared) throws IOException {
        Set<PosixFilePermission> rootMode = shared ? SHARED_ROOT : PRIVATE_DIRECTORY;
        boolean loose = Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)
                && !Files.getPosixFilePermissions(data, LinkOption.NOFOLLOW_LINKS).equals(rootMode);
        create(data, shared);
        int[] fixed = {loose ? 1 : 0};
        Path sandboxes = data.resolve(SANDBOXES);
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(sandboxes)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!dir.equals(data) && restrict(dir, true)) {
                    fixed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && restrict(file, false)) {
                    fixed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                LOG.warn("cannot check the mode of {}: {}", file, e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        if (fixed[0] > 0) {
            LOG.warn("data directory {}: fixed the modes of {} files and directories that others could reach",
                    data, fixed[0]);
        }
        return fixed[0];
    }

    /** Makes a directory mode 700 if it is missing. */
    public static void privateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        } catch (FileAlreadyExistsException exists) {
            return;
        }
        Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY);
    }

    /** Makes an empty file mode 600 if it is missing, so that what opens it later keeps that mode. */
    public static void privateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        } catch (FileAlreadyExistsException exists) {
            // its mode is checked by secure()
        }
    }

    private static boolean restrict(Path p, boolean directory) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> wanted = EnumSet.noneOf(PosixFilePermission.class);
        if (directory) {
            wanted.addAll(PRIVATE_DIRECTORY);
        } else {
            wanted.addAll(perms);
            wanted.removeAll(GROUP_AND_OTHERS);
        }
        if (perms.equals(wanted)) {
            return false;
        }
        try {
            Files.setPosixFilePermissions(p, wanted);
        } catch (IOException e) {
            LOG.warn("{} is {} and cannot be made {}: {}", p, PosixFilePermissions.toString(perms),
                    PosixFilePermissions.toString(wanted), e.getMessage());
            return false;
        }
        log(p, perms, wanted);
        return true;
    }

    private static void log(Path p, Set<PosixFilePermission> was, Set<PosixFilePermission> now) {
        LOG.warn("{} was {}, made {} (only the server's account may read the server's files)", p,
                PosixFilePermissions.toString(was), PosixFilePermissions.toString(now));
    }
}
