package org.sandgate.service;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the container gives a job-launching method while it prepares its job (the successor of
 * NESSSI's {@code getSessionInfo}/{@code jobMonitor}): who calls, the session made for this call and
 * its sandbox, and the status of the caller's other sessions. The job itself is what the method
 * returns, a {@link JobSpec}; the container runs it on the configured back end.
 */
public interface ServiceContext {

    /** The caller: DN, tier and account. */
    Caller caller();

    /** The id of the session made for this call (32 hex digits); its sandbox URL is a capability. */
    String sessionId();

    /** The session's sandbox: the job's working directory, where inputs may be written now. */
    Path sandbox();

    /** The status of another session of the same caller; empty when there is none the caller may see. */
    Optional<SessionStatus> status(String sessionId);
}
