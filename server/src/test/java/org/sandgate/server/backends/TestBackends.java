package org.sandgate.server.backends;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.server.config.SandgateConfig;

/** Back ends for unit tests: the given ones under their names, with the default {@code batch} settings. */
public final class TestBackends {
    private TestBackends() {
    }

    public static Backends of(BatchSystem... backends) {
        Map<BackendName, BatchSystem> byName = new LinkedHashMap<>();
        for (BatchSystem b : backends) {
            byName.put(b.name(), b);
        }
        return new Backends(byName, SandgateConfig.defaults().batch(), null);
    }
}
