package org.sandgate.batch;

/**
 * Resource limits of one local job, set inside its container ({@code prlimit}); 0 means no limit.
 *
 * @param processes    processes and threads the job may have at once ({@code RLIMIT_NPROC}, counted
 *                     in the job's own user namespace under bubblewrap)
 * @param fileBytes    the largest file the job may write ({@code RLIMIT_FSIZE}: a write past it fails
 *                     with {@code EFBIG})
 * @param openFiles    open files per process ({@code RLIMIT_NOFILE})
 * @param addressBytes address space per process ({@code RLIMIT_AS})
 */
public record JobLimits(long processes, long fileBytes, long openFiles, long addressBytes) {
    /** No limit at all. */
    public static final JobLimits NONE = new JobLimits(0, 0, 0, 0);

    public JobLimits {
        if (processes < 0 || fileBytes < 0 || openFiles < 0 || addressBytes < 0) {
            throw new IllegalArgumentException("limits are 0 (none) or positive");
        }
    }
}
