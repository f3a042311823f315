package org.sandgate.sandbox;

import java.util.Arrays;
import java.util.List;

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

    /** Whether the state is final: the job will not run (again), and the session changes no more. */
    public boolean terminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }

    /** The final states. */
    public static List<SessionState> finalStates() {
        return Arrays.stream(values()).filter(SessionState::terminal).toList();
    }

    /** The states that are not final. */
    public static List<SessionState> unfinishedStates() {
        return Arrays.stream(values()).filter(s -> !s.terminal()).toList();
    }
}
