package org.sandgate.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxesTest {
    @TempDir
    Path dir;
    Sandboxes sandboxes;
    SessionId id;
    Path box;

    @BeforeEach
    void make() throws Exception {
        sandboxes = new Sandboxes(dir.resolve("sandboxes"));
        id = SessionId.random();
        box = sandboxes.create(id);
        Files.writeString(box.resolve("out.txt"), "x");
        Files.createDirectories(box.resolve("sub"));
        Files.writeString(dir.resolve("outside.txt"), "secret");
        Files.createSymbolicLink(box.resolve("escape"), dir.resolve("outside.txt"));
        Files.createSymbolicLink(box.resolve("parent"), Path.of(".."));
        Files.createSymbolicLink(box.resolve("sub/back"), Path.of("../out.txt"));
    }

    @Test
    void sessionIdsAre128RandomBitsInHex() {
        assertTrue(SessionId.random().value().matches("[0-9a-f]{32}"));
        assertFalse(SessionId.random().equals(SessionId.random()));
        assertEquals(Optional.empty(), SessionId.parse("../etc"));
        assertEquals(Optional.empty(), SessionId.parse("A".repeat(32)));
    }
}
