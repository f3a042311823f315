package org.sandgate.sandbox;

/** Where a session's job is. */
public enum SessionState {
    /** Waiting for a slot or for the batch system. */
    QUEUED,
    /** The job runs. */
    RUNNING,
    /** The job ended with exit code 0. */
    DONE,
    /** The job ended with another exit code, was killed at its time limit, or could not start. */
    FAILED,
    /** The owner cancelled it. */
    CANCELLED;

    /** Whether the state is final. */
    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
