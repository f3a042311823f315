package org.sandgate.batch.slurm;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Site choices for Slurm jobs.
 *
 * @param partition {@code --partition}, when the site's default is not wanted
 * @param account   {@code --account} to charge
 * @param options   further {@code sbatch} options, each one argument (e.g. {@code --qos=grid})
 */
public record SlurmSettings(Optional<String> partition, Optional<String> account, List<String> options) {
    public SlurmSettings {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(account, "account");
        options = List.copyOf(options);
    }
}
