package org.sandgate.batch.pbs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Site choices for PBS jobs (Torque, PBS Pro, OpenPBS, or Slurm's PBS commands).
 *
 * @param queue   {@code -q}, when the server's default queue is not wanted
 * @param options further {@code qsub} options, each one argument
 */
public record PbsSettings(Optional<String> queue, List<String> options) {
    public PbsSettings {
        Objects.requireNonNull(queue, "queue");
        options = List.copyOf(options);
    }
}
