package org.sandgate.server.services;

import java.nio.file.Path;
import java.util.Optional;
import org.sandgate.batch.BackendName;
import org.sandgate.service.Service;

/** Services deployed from the test's own class path, for unit tests. */
public final class TestServices {
    private TestServices() {
    }

    public static DeployedService deployed(Service service) {
        return deployed(service, Optional.empty());
    }

    /** A service whose jobs ask for a back end. */
    public static DeployedService deployed(Service service, Optional<BackendName> backend) {
        return DeployedService.of(service, TestServices.class.getClassLoader(), Path.of(service.name() + ".jar"),
                backend, () -> { });
    }
}
