package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.service.Tier;

/** The fair-share keys: defaults per tier, a tier left out keeps its default, no limit below 1. */
class LimitsConfigTest {
    @TempDir
    Path dir;

    private SandgateConfig load(String yaml) throws Exception {
        Path file = dir.resolve("sandgate.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader().load(file);
    }

    @Test
    void theDefaultsKeepAnonymousCallersFromFillingTheQueue() {
        SandgateConfig.Limits limits = SandgateConfig.defaults().limits();
        assertEquals(5, limits.sessions().of(Tier.ANONYMOUS));
        assertEquals(50, limits.sessions().of(Tier.WEAK));
        assertEquals(500, limits.sessions().of(Tier.STRONG));
        assertEquals(10, limits.eventStreams().of(Tier.ANONYMOUS));
        assertEquals(100, limits.eventStreams().of(Tier.WEAK));
        assertEquals(1000, limits.eventStreams().of(Tier.STRONG));
    }

    @Test
    void aTierLeftOutKeepsItsDefault() throws Exception {
        SandgateConfig c = load("limits:\n  sessions:\n    weak: 7\n");
        assertEquals(5, c.limits().sessions().of(Tier.ANONYMOUS));
        assertEquals(7, c.limits().sessions().of(Tier.WEAK));
        assertEquals(500, c.limits().sessions().of(Tier.STRONG));
        assertEquals(10, c.limits().eventStreams().of(Tier.ANONYMOUS));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("limits:\n  sessions:\n    anonymous: 0\n  event_streams:\n    strong: -3\n"));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("limits.sessions.anonymous") && p.contains("at least 1")),
                e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.contains("limits.event_streams.strong")), e.problems().toString());
    }
}
