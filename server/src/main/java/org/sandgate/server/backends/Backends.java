package org.sandgate.server.backends;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sandgate.batch.BatchCommands;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.command.AccountSwitch;
import org.sandgate.batch.command.JobWrapper;
import org.sandgate.batch.drmaa.DrmaaBatchSystem;
import org.sandgate.batch.drmaa.DrmaaSettings;
import org.sandgate.batch.local.Containment;
import org.sandgate.batch.local.LocalBatchSystem;
import org.sandgate.batch.pbs.PbsBatchSystem;
import org.sandgate.batch.pbs.PbsSettings;
import org.sandgate.batch.slurm.SlurmBatchSystem;
import org.sandgate.batch.slurm.SlurmSettings;
import org.sandgate.process.Commands;
import org.sandgate.server.config.SandgateConfig;

/**
 * The back ends, made once at start (each is cheap until used: the DRMAA library is loaded on first
 * use), and which one runs a service's jobs: the site's {@code batch.services} entry, else the back
 * end the service asks for, else {@code batch.default}.
 */
public final class Backends implements AutoCloseable {
    private final Map<String, BatchSystem> byName;
    private final SandgateConfig.Batch config;
    private final Commands commands;

    Backends(Map<String, BatchSystem> byName, SandgateConfig.Batch config, Commands commands) {
        this.byName = Map.copyOf(byName);
        this.config = config;
        this.commands = commands;
    }

    /**
     * Makes the configured back ends.
     *
     * @param dataDir  the data directory (the local back end keeps its control files there)
     * @param accounts    how to act as a job's account in shared mode; empty in personal mode
     * @param containment how local jobs are contained
     */
    public static Backends create(SandgateConfig.Batch config, Path dataDir, Optional<AccountSwitch> accounts,
                                  Containment containment) throws IOException {
        Commands commands = new Commands(Duration.ofSeconds(60));
        Set<String> used = new TreeSet<>(Set.of("local", "slurm", "pbs"));
        if (accounts.isEmpty()) {
            used.add("drmaa");      // it submits as the server's account: personal mode only
        }
        Map<String, BatchSystem> made = new LinkedHashMap<>();
        for (String name : used) {
            made.put(name, switch (name) {
                case "local" -> new LocalBatchSystem(new JobWrapper(commands, accounts), containment,
                        accounts.isPresent() ? Optional.empty() : Optional.of(dataDir.resolve("jobs")));
                case "slurm" -> new SlurmBatchSystem(
                        new BatchCommands(commands, path(config.slurm().binDir()), accounts),
                        new SlurmSettings(text(config.slurm().partition()), text(config.slurm().account()),
                                config.slurm().options()));
                case "pbs" -> new PbsBatchSystem(
                        new BatchCommands(commands, path(config.pbs().binDir()), accounts),
                        new PbsSettings(text(config.pbs().queue()), config.pbs().options()));
                case "drmaa" -> new DrmaaBatchSystem(new DrmaaSettings(path(config.drmaa().library()),
                        text(config.drmaa().contact()), config.drmaa().nativeSpecification()));
                default -> throw new IllegalArgumentException("unknown back end " + name);
            });
        }
        return new Backends(made, config, commands);
    }

    private static Optional<String> text(String value) {
        return value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static Optional<Path> path(String value) {
        return text(value).map(Path::of);
    }

    /** The back end that runs the jobs of a service, given the one it asks for. */
    public BatchSystem forService(String service, Optional<String> asked) {
        String name = config.services().containsKey(service) ? config.services().get(service)
                : asked.orElse(config.defaultBackend());
        return byName(name).orElseThrow(() -> new IllegalStateException("back end " + name + " is not available"));
    }

    /** The names of the back ends that can be used. */
    public Set<String> available() {
        return byName.keySet();
    }

    /** A back end by the name stored with a session. */
    public Optional<BatchSystem> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** How often a back end is asked about its live jobs. */
    public Duration pollInterval(String name) {
        return name.equals("local") ? Duration.ZERO : Duration.ofMillis((long) (config.pollSeconds() * 1000));
    }

    /** Batch-system commands run since start, by program. */
    public Map<String, Long> commandCounts() {
        return commands.counts();
    }

    @Override
    public void close() {
        byName.values().forEach(b -> {
            if (b instanceof DrmaaBatchSystem drmaa) {
                drmaa.close();
            }
        });
    }
}
