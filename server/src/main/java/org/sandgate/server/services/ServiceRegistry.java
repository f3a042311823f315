package org.sandgate.server.services;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The deployed services by name, and the deployment problems an administrator should see. */
public final class ServiceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);

    private final Map<String, DeployedService> byName;
    private final List<String> problems;

    /** Registers services in order; a second service with a name already taken is refused and reported. */
    public ServiceRegistry(Collection<DeployedService> services, List<String> loadProblems) {
        Map<String, DeployedService> map = new TreeMap<>();
        List<String> all = new ArrayList<>(loadProblems);
        for (DeployedService s : services) {
            DeployedService earlier = map.putIfAbsent(s.name(), s);
            if (earlier != null) {
                String message = s.source().getFileName() + ": service " + s.name() + " is already deployed from "
                        + earlier.source().getFileName() + "; not deployed";
                LOG.warn(message);
                all.add(message);
            }
        }
        this.byName = Map.copyOf(map);
        this.problems = List.copyOf(all);
        for (DeployedService s : byName.values()) {
            LOG.info("service {} deployed from {} ({} methods)", s.name(), s.source().getFileName(), s.methods().size());
        }
    }

    public Optional<DeployedService> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every deployed service, by name. */
    public Collection<DeployedService> all() {
        return new TreeMap<>(byName).values();
    }

    /** Why jars or services were not deployed. */
    public List<String> problems() {
        return problems;
    }
}
