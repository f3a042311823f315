package org.sandgate.server.runmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.batch.BackendName;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.shared.SharedModeException;
import org.sandgate.service.Tier;

class RunModeTest {
    private static Session sessionOf(String account) {
        Instant now = Instant.now();
        return new Session(SessionId.random(), "svc", "run", "/CN=a", "/CN=a", account, Tier.STRONG, 1,
                SessionState.QUEUED, Optional.empty(), "local", Optional.empty(), Optional.empty(), now, now);
    }

    @Test
    void personalModeRunsEverythingAsTheServerWithEveryBackEnd(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        RunMode mode = RunMode.start(SandgateConfig.defaults(), dir, data, new Sandboxes(data.resolve("sandboxes")));
        assertFalse(mode.shared());
        assertEquals(Optional.empty(), mode.accountSwitch());
        assertEquals(Optional.empty(), mode.accountWrapper());
        assertEquals(EnumSet.allOf(BackendName.class), mode.backends());
        assertEquals(System.getProperty("user.name"), mode.sandboxOwner().apply(sessionOf("alice")));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data, LinkOption.NOFOLLOW_LINKS)), "the data directory is private");
    }

    @Test
    void sharedModeRefusesToStartWhenItsJobWrapperIsNotRootsAlone(@TempDir Path dir) throws Exception {
        Path wrapper = Files.writeString(dir.resolve("wrapper"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxrwxrwx"));
        SandgateConfig config = new ConfigLoader().parse("x",
                "mode: shared\nshared:\n  check_account: nobody\n  wrapper: " + wrapper + "\n");
        Path data = dir.resolve("data");
        SharedModeException e = assertThrows(SharedModeException.class,
                () -> RunMode.start(config, dir, data, new Sandboxes(data.resolve("sandboxes"))));
        assertTrue(e.getMessage().contains("must be a file that belongs to root"), e.getMessage());
    }
}
