package org.sandgate.service;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a session is, as a service sees it.
 *
 * @param sessionId the session id
 * @param state     {@code QUEUED}, {@code RUNNING}, {@code DONE}, {@code FAILED} or {@code CANCELLED}
 * @param exitCode  the job's exit code once it ended
 */
public record SessionStatus(String sessionId, String state, Optional<Integer> exitCode) {
    public SessionStatus {
        Objects.requireNonNull(sessionId);
        Objects.requireNonNull(state);
        Objects.requireNonNull(exitCode);
    }
}
