package org.sandgate.batch;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A back end that runs jobs: the embedded local one or a site's batch system. Narrow on purpose:
 * submit, the status of many jobs in one call, cancel. Jobs outlive the server; after a restart
 * the server asks for the status of the jobs it stored, which is how it re-attaches to them.
 */
public interface BatchSystem {

    /** Which back end this is; its wire name is the one configuration and session records use. */
    BackendName name();

    /**
     * Submits a job.
     *
     * @return the back end's id of the job
     * @throws BackendException when the back end refuses or cannot be reached
     */
    String submit(JobRequest request);

    /**
     * The status of jobs, in as few calls to the back end as it allows (one for Slurm and PBS).
     * Jobs the back end no longer knows of, and that left no exit code behind, are reported
     * {@link JobStatus.Phase#LOST}.
     *
     * @return the status by job id
     * @throws BackendException when the back end cannot be asked; the caller tries again later
     */
    Map<String, JobStatus> status(Collection<SubmittedJob> jobs);

    /**
     * Cancels a job; a job that already ended is left as it is.
     *
     * @throws BackendException when the back end refuses or cannot be reached
     */
    void cancel(SubmittedJob job);

    /**
     * The id of a job already submitted under this name, if the back end can tell: after a crash
     * between submitting a job and storing its id, the server re-attaches to it instead of
     * submitting it twice.
     */
    default Optional<String> findByName(String name) {
        return Optional.empty();
    }

    /** Forgets what the back end kept about a job outside its sandbox, once its session is removed. */
    default void forget(SubmittedJob job) {
    }
}
