package org.sandgate.server.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.server.config.SandgateConfig;

/** A callout that cannot be run to its end denies the call; it is no failure of a batch back end. */
class AuthzCalloutTest {
    private static final Map<String, Object> CALL = Map.of("dn", "/CN=Jane", "service", "sleepy", "method", "add");

    @TempDir
    Path dir;

    private static AuthzCallout callout(Path program, int timeoutSeconds) {
        SandgateConfig.Authz authz = new SandgateConfig.Authz(program.toString(), Duration.ofSeconds(timeoutSeconds), Duration.ZERO);
        return new AuthzCallout(() -> authz, Clock.systemUTC());
    }

    private Path script(String body) throws IOException {
        Path p = dir.resolve("callout");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void aCalloutThatCannotStartDeniesTheCall() {
        AuthzCallout.Decision d = callout(dir.resolve("missing"), 5).decide(CALL);
        assertFalse(d.allowed());
        assertTrue(d.reason().startsWith("callout failed: cannot run missing"), d.reason());
    }

    @Test
    void aCalloutThatDoesNotAnswerInTimeDeniesTheCall() throws IOException {
        AuthzCallout.Decision d = callout(script("exec sleep 30"), 1).decide(CALL);
        assertFalse(d.allowed());
        assertEquals("callout failed: callout did not answer within 1 s", d.reason());
    }

    @Test
    void exitZeroAllowsAndAnyOtherExitDenies() throws IOException {
        assertTrue(callout(script("cat >/dev/null; exit 0"), 5).decide(CALL).allowed());
        AuthzCallout.Decision denied = callout(script("exit 3"), 5).decide(CALL);
        assertFalse(denied.allowed());
        assertEquals("callout exit 3", denied.reason());
    }
}
