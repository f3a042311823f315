package org.sandgate.batch;

import java.util.Optional;

/**
 * Where a job is, as the back end sees it.
 *
 * @param phase    queued, running, ended or lost
 * @param exitCode the exit code once ended, when the job recorded one
 * @param message  a reason, when there is one (killed at the time limit, cancelled, vanished ...)
 */
public record JobStatus(Phase phase, Optional<Integer> exitCode, Optional<String> message) {

    /** The phases of a job. */
    public enum Phase {
        QUEUED, RUNNING, ENDED,
        /** The back end has no trace of the job and no exit code was recorded. */
        LOST
    }

    public static JobStatus queued() {
        return new JobStatus(Phase.QUEUED, Optional.empty(), Optional.empty());
    }

    public static JobStatus running() {
        return new JobStatus(Phase.RUNNING, Optional.empty(), Optional.empty());
    }

    public static JobStatus ended(int code, Optional<String> message) {
        return new JobStatus(Phase.ENDED, Optional.of(code), message);
    }

    /** Ended without recording an exit code: killed, cancelled, or its node failed. */
    public static JobStatus endedWithoutCode(String why) {
        return new JobStatus(Phase.ENDED, Optional.empty(), Optional.of(why));
    }

    public static JobStatus lost(String why) {
        return new JobStatus(Phase.LOST, Optional.empty(), Optional.of(why));
    }
}
