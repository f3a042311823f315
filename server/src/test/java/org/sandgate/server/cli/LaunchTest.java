package org.sandgate.server.cli;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LaunchTest {
    @Test
    void rootIsRefusedWithTheFix() {
        String refusal = Launch.rootRefusal(0);
        assertTrue(refusal.contains("refuses to run as root") && refusal.contains("useradd"), refusal);
    }

    @Test
    void anyOtherAccountMayRun() {
        assertNull(Launch.rootRefusal(1000));
        assertNull(Launch.rootRefusal(65534));
    }
}
