package org.sandgate.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgramEnvironmentTest {
    @Test
    void aProgramGetsOnlyPathAndLang() {
        assertEquals(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8"), ProgramEnvironment.fixed());
        assertNotSame(ProgramEnvironment.fixed(), ProgramEnvironment.fixed());
    }

    @Test
    void aProgramWorkingInADirectoryHasItAsHomeAndTmpdir() {
        Map<String, String> env = ProgramEnvironment.in(Path.of("/srv/sandbox/x"));
        assertEquals(List.of("PATH", "LANG", "HOME", "TMPDIR"), List.copyOf(env.keySet()));
        assertEquals("/srv/sandbox/x", env.get("HOME"));
        assertEquals("/srv/sandbox/x", env.get("TMPDIR"));
    }
}
