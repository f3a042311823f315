package org.sandgate.batch;

import java.util.Collection;
import java.util.Map;

/**
 * A back end that runs jobs: the embedded local one or a site's batch system. Narrow on purpose:
 * submit, the status of many jobs in one call, cancel. Jobs outlive the server; after a restart
 * the server asks for the status of the ids it stored, which is how it re-attaches.
 */
public interface BatchSystem {

    /** The name used in configuration and in session records ({@code local}, {@code slurm} ...). */
    String name();

    /**
     * Submits a job.
     *
     * @return the back end's id of the job
     * @throws BackendException when the back end refuses or cannot be reached
     */
    String submit(JobRequest request);

    /**
     * The status of jobs by their back-end ids. Ids the back end no longer knows of are reported
     * {@link JobStatus.Phase#LOST}.
     */
    Map<String, JobStatus> status(Collection<String> jobIds);

    /** Cancels a job; a job that already ended is left as it is. */
    void cancel(String jobId);
}
