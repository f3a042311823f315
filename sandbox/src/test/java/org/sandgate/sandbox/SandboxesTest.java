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
        sandboxes = new Sandboxes(dir.resolve("sandboxes"), SandboxNames.load(dir.resolve("names.key")));
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

    @Test
    void aSandboxIsNamedByAKeyedHashOfItsIdNeverByTheId() throws Exception {
        String name = box.getFileName().toString();
        assertTrue(SandboxNames.FORM.matcher(name).matches(), name);
        assertFalse(name.contains(id.value()));
        assertFalse(name.contains(id.value().substring(0, 8)), "not even a prefix of the id");
        assertEquals(box, sandboxes.of(id));
        // another key, other names: the name cannot be computed from the id without the server's key
        SandboxNames other = SandboxNames.load(dir.resolve("other.key"));
        assertFalse(other.nameOf(id).equals(name));
    }

    @Test
    void theNamesStayTheSameAcrossRestartsWithTheSameKey() throws Exception {
        Sandboxes again = new Sandboxes(dir.resolve("sandboxes"), SandboxNames.load(dir.resolve("names.key")));
        assertEquals(box, again.of(id));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("names.key"))));
    }

    @Test
    void aSandboxAnEarlierVersionNamedByItsIdKeepsItsName() throws Exception {
        SessionId old = SessionId.random();
        Files.createDirectory(dir.resolve("sandboxes").resolve(old.value()));
        Sandboxes upgraded = new Sandboxes(dir.resolve("sandboxes"), SandboxNames.load(dir.resolve("names.key")));
        assertEquals(dir.resolve("sandboxes").resolve(old.value()).toRealPath(), upgraded.of(old));
        assertEquals(old.value(), upgraded.nameOf(old));
        assertEquals(box, upgraded.of(id));
        // only what was there at start: a directory named by an id made later is not taken for a sandbox
        SessionId late = SessionId.random();
        Files.createDirectory(dir.resolve("sandboxes").resolve(late.value()));
        assertFalse(upgraded.nameOf(late).equals(late.value()));
    }

    @Test
    void aKeyFileThatIsNoKeyIsRefused() throws Exception {
        Files.writeString(dir.resolve("bad.key"), "not a key");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> SandboxNames.load(dir.resolve("bad.key")));
    }
}
