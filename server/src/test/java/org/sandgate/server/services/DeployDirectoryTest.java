package org.sandgate.server.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule of the deploy directory, on a listing the test writes: a new or changed file is handed
 * out once it has looked the same on two scans in a row, a file still changing never is, a removed
 * one is handed out as removed once.
 */
class DeployDirectoryTest {
    private final Map<String, DeployDirectory.Fingerprint> files = new TreeMap<>();
    private final DeployDirectory directory = new DeployDirectory(Path.of("/nonexistent"), () -> new TreeMap<>(files));

    private void write(String file, long size, long modified) {
        files.put(file, new DeployDirectory.Fingerprint(file, size, modified));
    }

    @Test
    void aNewFileIsHandedOutOnTheScanAfterTheOneThatFirstSawIt() {
        write("echo.jar", 100, 1);
        assertFalse(directory.scan(false).any(), "first seen: it may still be being copied");
        DeployDirectory.Changes second = directory.scan(false);
        assertEquals(List.of("echo.jar"), List.copyOf(second.ready().keySet()));
        assertFalse(directory.scan(false).any(), "handed out once only");
    }

    @Test
    void aFileThatKeepsGrowingIsNeverHandedOutUntilItStops() {
        for (int size = 1; size <= 20; size++) {
            write("big.jar", size * 1000L, size);
            assertFalse(directory.scan(false).any(), "changed since the last scan at size " + size);
        }
        assertEquals(List.of("big.jar"), List.copyOf(directory.scan(false).ready().keySet()));
    }

    @Test
    void aChangeOfSizeModificationTimeOrFileKeyIsAChange() {
        write("svc.yaml", 10, 1);
        directory.scan(false);
        directory.scan(false);
        files.put("svc.yaml", new DeployDirectory.Fingerprint("svc.yaml", 10, 2));
        directory.scan(false);
        assertEquals(List.of("svc.yaml"), List.copyOf(directory.scan(false).ready().keySet()), "modified");
        files.put("svc.yaml", new DeployDirectory.Fingerprint("other inode", 10, 2));
        directory.scan(false);
        assertEquals(List.of("svc.yaml"), List.copyOf(directory.scan(false).ready().keySet()), "replaced by rename");
        write("svc.yaml", 11, 2);
        directory.scan(false);
        assertEquals(List.of("svc.yaml"), List.copyOf(directory.scan(false).ready().keySet()), "resized");
    }

    @Test
    void nowHandsOutAChangedFileAtOnce() {
        write("echo.jar", 100, 1);
        assertEquals(List.of("echo.jar"), List.copyOf(directory.scan(true).ready().keySet()));
        assertFalse(directory.scan(false).any());
    }

    @Test
    void aRemovedFileIsHandedOutAsRemovedOnceAndAFileRemovedBeforeItWasStableNever() {
        write("gone.jar", 1, 1);
        directory.scan(false);
        directory.scan(false);
        write("brief.jar", 1, 1);
        directory.scan(false);
        files.clear();
        DeployDirectory.Changes changes = directory.scan(false);
        assertEquals(List.of("gone.jar"), changes.removed());
        assertTrue(changes.ready().isEmpty());
        assertFalse(directory.scan(false).any());
        write("brief.jar", 1, 1);
        assertFalse(directory.scan(false).any(), "what was pending before it went is seen anew");
    }

    @Test
    void onlyJarAndYamlFilesThatAreNotHiddenAreServiceFiles(@TempDir Path dir) throws Exception {
        for (String name : List.of("a.jar", "b.yaml", "c.yml", ".d.yaml.upload-1", "e.txt", "f.jar.bak")) {
            Files.writeString(dir.resolve(name), "x");
        }
        Files.createDirectory(dir.resolve("g.jar"));
        DeployDirectory real = new DeployDirectory(dir);
        assertEquals(List.of("a.jar", "b.yaml", "c.yml"), List.copyOf(real.scan(true).ready().keySet()));
    }
}
