package org.sandgate.server.backends;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sandgate.batch.BackendName;
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
import org.sandgate.server.runmode.RunMode;

/**
 * The back ends, made once at start (each is cheap until used: the DRMAA library is loaded on first
 * use), and which one runs a service's jobs: the site's {@code batch.services} entry, else the back
 * end the service asks for, else {@code batch.default}.
 */
public final class Backends implements AutoCloseable {
    private final Map<BackendName, BatchSystem> byName;
    private final SandgateConfig.Batch config;
    private final Commands commands;

    Backends(Map<BackendName, BatchSystem> byName, SandgateConfig.Batch config, Commands commands) {
        this.byName = Map.copyOf(byName);
        this.config = config;
        this.commands = commands;
    }

    /**
     * Makes the configured back ends.
     *
     * @param dataDir  the data directory (the local back end keeps its control files there)
     * @param mode        personal or shared: how to act as a job's account, which back ends may be used
     * @param containment how local jobs are contained
     */
    public static Backends create(SandgateConfig.Batch config, Path dataDir, RunMode mode,
                                  Containment containment) throws IOException {
        Commands commands = new Commands(Duration.ofSeconds(60));
        Map<BackendName, BatchSystem> made = new EnumMap<>(BackendName.class);
        Optional<AccountSwitch> accounts = mode.accountSwitch();
        for (BackendName name : mode.backends()) {
            made.put(name, switch (name) {
                case LOCAL -> new LocalBatchSystem(new JobWrapper(commands, accounts), containment,
                        accounts.isPresent() ? Optional.empty() : Optional.of(dataDir.resolve("jobs")));
                case SLURM -> new SlurmBatchSystem(
                        new BatchCommands(commands, path(config.slurm().binDir()), accounts),
                        new SlurmSettings(text(config.slurm().partition()), text(config.slurm().account()),
                                config.slurm().options()));
                case PBS -> new PbsBatchSystem(
                        new BatchCommands(commands, path(config.pbs().binDir()), accounts),
                        new PbsSettings(text(config.pbs().queue()), config.pbs().options()));
                case DRMAA -> new DrmaaBatchSystem(new DrmaaSettings(path(config.drmaa().library()),
                        text(config.drmaa().contact()), config.drmaa().nativeSpecification()));
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
    public BatchSystem forService(String service, Optional<BackendName> asked) {
        BackendName name = config.services().containsKey(service) ? config.services().get(service)
                : asked.orElse(config.defaultBackend());
        return Optional.ofNullable(byName.get(name))
                .orElseThrow(() -> new IllegalStateException("back end " + name + " is not available"));
    }

    /** The back ends that can be used. */
    public Set<BackendName> available() {
        return byName.keySet();
    }

    /** A back end by the name stored with a session. */
    public Optional<BatchSystem> byName(String stored) {
        return BackendName.fromWireName(stored).map(byName::get);
    }

    /** How often a back end, by the name stored with a session, is asked about its live jobs. */
    public Duration pollInterval(String stored) {
        return BackendName.LOCAL.is(stored) ? Duration.ZERO : config.pollInterval();
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
