package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DefaultConfigurationTest {
    @Test
    void theShippedSandgateYamlStatesExactlyTheDefaults() {
        SandgateConfig shipped = new ConfigLoader().load(Path.of("..", "conf", "sandgate.yaml"));
        assertEquals(SandgateConfig.defaults(), shipped);
    }
}
