package org.sandgate.server.services;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The deployed services by name at one moment, and why files in the deploy directory are not (or
 * not in their latest form) deployed. Immutable: a deployment makes a new registry and swaps it in.
 */
public final class ServiceRegistry {

    /** Why a file of the deploy directory is not deployed as it is now. */
    public record Problem(String file, String message) {
    }

    private final Map<String, DeployedService> byName;
    private final List<Problem> problems;

    public ServiceRegistry(Map<String, DeployedService> byName, List<Problem> problems) {
        this.byName = Map.copyOf(byName);
        this.problems = List.copyOf(problems);
    }

    public Optional<DeployedService> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every deployed service, by name. */
    public Collection<DeployedService> all() {
        return new TreeMap<>(byName).values();
    }

    /** The deploy problems, by file. */
    public List<Problem> problems() {
        return problems;
    }
}
