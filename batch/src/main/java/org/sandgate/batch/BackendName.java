package org.sandgate.batch;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The back ends there are, by the name configuration and session records use for them
 * ({@code local}, {@code slurm}, {@code pbs}, {@code drmaa}).
 */
public enum BackendName {
    /** The embedded back end: jobs run on this host under the server's own slots. */
    LOCAL,
    /** Slurm, through sbatch, squeue and scancel. */
    SLURM,
    /** PBS (Torque, PBS Pro, Slurm's PBS commands), through qsub, qstat and qdel. */
    PBS,
    /** Any batch system with a DRMAA 1.0 C library; it submits as the server's own account. */
    DRMAA;

    /** The lower-case name used in configuration and in session records. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The back end with this lower-case name, if there is one. */
    public static Optional<BackendName> fromWireName(String name) {
        return Arrays.stream(values()).filter(b -> b.wireName().equals(name)).findFirst();
    }

    /** Whether a stored name is this back end's. */
    public boolean is(String wireName) {
        return wireName().equals(wireName);
    }

    /**
     * Whether jobs are submitted as the server's own account whatever account they are for (the
     * DRMAA library has no way to act as another), so that the back end serves personal mode only.
     */
    public boolean submitsAsServer() {
        return this == DRMAA;
    }

    /** The wire names, for messages: {@code local, slurm, pbs, drmaa}. */
    public static String wireNames() {
        return Arrays.stream(values()).map(BackendName::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
