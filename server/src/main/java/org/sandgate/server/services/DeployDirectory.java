package org.sandgate.server.services;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy directory as the deployer sees it: the service files it holds ({@code *.jar},
 * {@code *.yaml}, {@code *.yml}, not hidden ones), how each looks (its fingerprint), and which of
 * them changed since they were last handed out. A file that is added or changed is handed out once
 * it has looked the same on two scans in a row (stable for one scan), so a file still being copied
 * is not read half-written; a file that went away is handed out as removed. Where the file system
 * reports changes, {@link #watch} calls back on each.
 */
final class DeployDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeployDirectory.class);

    /** How a file looked when it was listed: a change of any of these is a change of the file. */
    record Fingerprint(Object key, long size, long modified) {
    }

    /** Lists the service files of a directory by name; the real one reads the directory. */
    @FunctionalInterface
    interface Listing {
        Map<String, Fingerprint> list();
    }

    /**
     * What one scan found.
     *
     * @param removed files handed out before that are no longer there
     * @param ready   files new or changed since they were last handed out, to be deployed now
     */
    record Changes(List<String> removed, Map<String, Fingerprint> ready) {
        boolean any() {
            return !removed.isEmpty() || !ready.isEmpty();
        }
    }

    private final Path dir;
    private final Listing listing;
    /** How each file looked when it was last handed out. */
    private final Map<String, Fingerprint> handedOut = new TreeMap<>();
    /** Files changed on the last scan, as they looked then: ready when they look the same on the next. */
    private final Map<String, Fingerprint> pending = new HashMap<>();
    private WatchService watcher;

    DeployDirectory(Path dir) {
        this(dir, () -> listFiles(dir));
    }

    DeployDirectory(Path dir, Listing listing) {
        this.dir = dir;
        this.listing = listing;
    }

    /** The directory. */
    Path path() {
        return dir;
    }

    /**
     * Lists the directory and says what changed since the last scan.
     *
     * @param now hand out changed files at once instead of when they have stayed the same for one scan
     */
    synchronized Changes scan(boolean now) {
        Map<String, Fingerprint> seen = listing.list();
        List<String> removed = new ArrayList<>();
        for (String file : new ArrayList<>(handedOut.keySet())) {
            if (!seen.containsKey(file)) {
                handedOut.remove(file);
                removed.add(file);
            }
        }
        Map<String, Fingerprint> ready = new TreeMap<>();
        for (Map.Entry<String, Fingerprint> e : seen.entrySet()) {
            String file = e.getKey();
            if (e.getValue().equals(handedOut.get(file))) {
                continue;
            }
            if (!now && !e.getValue().equals(pending.get(file))) {
                pending.put(file, e.getValue());
                continue;
            }
            pending.remove(file);
            handedOut.put(file, e.getValue());
            ready.put(file, e.getValue());
        }
        pending.keySet().retainAll(seen.keySet());
        return new Changes(removed, ready);
    }

    /**
     * Calls {@code onChange} whenever the file system reports a change in the directory (inotify);
     * where it reports nothing (NFS) or the directory does not exist, only polling finds changes.
     *
     * @return whether changes are reported
     */
    synchronized boolean watch(Runnable onChange) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            WatchService service = dir.getFileSystem().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            watcher = service;
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        WatchKey key = service.take();
                        key.pollEvents();
                        key.reset();
                        onChange.run();
                    }
                } catch (InterruptedException | ClosedWatchServiceException | RejectedExecutionException e) {
                    // stopping
                }
            }, "deploy-watch");
            t.setDaemon(true);
            t.start();
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("no change notification for {} ({}): it is polled", dir, e.getMessage());
            return false;
        }
    }

    /** Stops watching. */
    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }

    /** The service files of a directory; none when it does not exist. */
    private static Map<String, Fingerprint> listFiles(Path dir) {
        Map<String, Fingerprint> seen = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return seen;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!isServiceFile(name)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    seen.put(name, new Fingerprint(a.fileKey(), a.size(), a.lastModifiedTime().toMillis()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return seen;
    }

    /** Whether a name is one the deployer reads: a jar or YAML file, not a hidden one (uploads in progress). */
    static boolean isServiceFile(String name) {
        return !name.startsWith(".") && (name.endsWith(".jar") || name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** The file the directory holds under a name. */
    Path resolve(String file) {
        return dir.resolve(file);
    }
}
