package org.sandgate.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static Path loose(Path p, String mode) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void looseModesOfASharedModeDataDirectoryAreFixedAndTheSandboxTreeIsLeftAlone() throws Exception {
        Path data = loose(Files.createDirectory(dir.resolve("var")), "rwxr-xr-x");
        Path state = loose(Files.createDirectory(data.resolve("state")), "rwxr-xr-x");
        Path db = loose(Files.writeString(state.resolve("sessions.db"), "x"), "rw-r--r--");
        Path wal = loose(Files.writeString(state.resolve("sessions.db-wal"), "x"), "rw-rw-rw-");
        Path logs = loose(Files.createDirectory(data.resolve("logs")), "rwxrwxrwx");
        Path log = loose(Files.writeString(logs.resolve("sandgate.log"), "x"), "rw-r--r--");
        Path deployed = loose(Files.createDirectories(data.resolve("deployed/old")), "rwxr-x---");
        Path script = loose(Files.writeString(deployed.resolve("run.sh"), "x"), "rwxr-xr-x");
        Path sandboxes = loose(Files.createDirectory(data.resolve("sandboxes")), "rwx-wx-wx");
        Path sandbox = loose(Files.createDirectory(sandboxes.resolve("a".repeat(32))), "rwxrwx---");
        Path output = loose(Files.writeString(sandbox.resolve("stdout"), "x"), "rw-r--r--");
        Path outside = loose(Files.writeString(dir.resolve("outside"), "x"), "rw-r--r--");
        Files.createSymbolicLink(state.resolve("link"), outside);

        int fixed = DataDirectory.secure(data, true);

        assertEquals("rwx--x--x", mode(data));
        for (Path d : new Path[] {state, logs, deployed, data.resolve("jobs")}) {
            assertEquals("rwx------", mode(d), d.toString());
        }
        assertEquals("rw-------", mode(db));
        assertEquals("rw-------", mode(wal));
        assertEquals("rw-------", mode(log));
        assertEquals("rwx------", mode(script), "the owner's bits are kept");
        assertEquals("rwx-wx-wx", mode(sandboxes), "the sandbox root keeps its mode");
        assertEquals("rwxrwx---", mode(sandbox));
        assertEquals("rw-r--r--", mode(output));
        assertEquals("rw-r--r--", mode(outside), "a link is not followed");
        assertEquals(9, fixed);
        assertEquals(0, DataDirectory.secure(data, true), "nothing left to fix");
    }

    @Test
    void aPersonalDataDirectoryIsMadePrivate() throws Exception {
        Path data = dir.resolve("new");
        assertEquals(0, DataDirectory.secure(data, false));
        assertEquals("rwx------", mode(data));
        assertEquals("rwx------", mode(data.resolve("state")));
        Path made = data.resolve("state").resolve("sessions.db");
        DataDirectory.privateFile(made);
        assertEquals("rw-------", mode(made));
    }
}
