package org.sandgate.server.gridmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.time.Duration;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid-mapfile on disk, re-read when it changes. Changes are found by polling the file's
 * modification time, size and inode, which works on NFS where change notification does not.
 * A missing or unreadable file maps nobody and is logged; the server keeps running.
 */
public final class GridMapFile extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(GridMapFile.class);

    private final Path file;
    private final Duration poll;
    private final PeriodicWork work;
    private volatile GridMap current = GridMap.empty();
    private Object lastSeen = "never";
    private PeriodicWork.Task task;

    /**
     * @param file the grid-mapfile
     * @param poll how often to look for a change
     * @param work the scheduler the poll runs on
     */
    public GridMapFile(Path file, Duration poll, PeriodicWork work) {
        this.file = Objects.requireNonNull(file);
        this.poll = poll;
        this.work = work;
    }

    /** The mapping as last read. */
    public GridMap current() {
        return current;
    }

    /** The file this reads. */
    public Path path() {
        return file;
    }

    @Override
    protected void doStart() {
        reloadIfChanged();
        task = work.everyAfterFirstInterval("the grid-mapfile poll", poll, this::reloadIfChanged);
    }

    @Override
    protected void doStop() throws InterruptedException {
        task.stop();
    }

    /** Reads the file again now, changed or not (an administrator's reload). */
    public synchronized void reloadNow() {
        lastSeen = "reload requested";
        reloadIfChanged();
    }

    /** Reads the file again if its modification time, size or inode changed since the last read. */
    public synchronized void reloadIfChanged() {
        try {
            Object seen = fingerprint();
            if (seen.equals(lastSeen)) {
                return;
            }
            lastSeen = seen;
            if (seen instanceof String state) {
                current = GridMap.empty();
                LOG.warn("grid-mapfile {} {}: nobody is mapped until it is there", file, state);
                return;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            GridMapParser.Result result = GridMapParser.parse(text);
            for (GridMapParser.Problem p : result.problems()) {
                LOG.warn("grid-mapfile {} line {}: {}", file, p.line(), p.message());
            }
            current = result.map();
            LOG.info("grid-mapfile {} loaded: {}", file, result.summary());
        } catch (IOException | RuntimeException e) {
            current = GridMap.empty();
            lastSeen = "unreadable";
            LOG.warn("grid-mapfile {} cannot be read ({}): nobody is mapped", file, e.toString());
        }
    }

    /** A value that changes when the file changes, or a word saying why there is no file. */
    private Object fingerprint() throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return "is not a regular file";
            }
            if (!Files.isReadable(file)) {
                return "is not readable";
            }
            return java.util.List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException e) {
            return "does not exist";
        }
    }
}
