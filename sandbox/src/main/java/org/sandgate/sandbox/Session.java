package org.sandgate.sandbox;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.sandgate.service.Tier;

/**
 * A session: one call of a job-launching method, with its sandbox and its job.
 *
 * @param id           the session id
 * @param service      the dotted service name
 * @param method       the method name
 * @param owner        the caller's DN as shown (slash form), or {@code anonymous}
 * @param ownerKey     who owns it, compared: the caller's canonical RFC 2253 subject, {@code anonymous}, or
 *                     empty for a session stored before keys were kept whose DN could not be read
 * @param account      the local account the job runs as
 * @param tier         the caller's tier
 * @param cost         the cost of the call in CPU-seconds
 * @param state        where the job is
 * @param exitCode     the job's exit code once it ended
 * @param backend      the back end that runs the job ({@code local} ...)
 * @param backendJobId the back end's id of the job, once submitted
 * @param message      why it failed, when the reason is not the exit code
 * @param created      when the session was made
 * @param updated      when its state last changed
 */
public record Session(SessionId id, String service, String method, String owner, String ownerKey, String account,
                      Tier tier,
                      double cost, SessionState state, Optional<Integer> exitCode, String backend,
                      Optional<String> backendJobId, Optional<String> message, Instant created, Instant updated) {
    public Session {
        Objects.requireNonNull(id);
        Objects.requireNonNull(ownerKey);
        Objects.requireNonNull(state);
        Objects.requireNonNull(exitCode);
        Objects.requireNonNull(backendJobId);
        Objects.requireNonNull(message);
    }

    /** This session in another state. */
    public Session withState(SessionState newState, Optional<Integer> code, Optional<String> why, Instant when) {
        return new Session(id, service, method, owner, ownerKey, account, tier, cost, newState, code, backend, backendJobId,
                why, created, when);
    }

    /** This session once its job was submitted: running, or queued in a batch system. */
    public Session submitted(String jobId, SessionState newState, Instant when) {
        return new Session(id, service, method, owner, ownerKey, account, tier, cost, newState, exitCode, backend,
                Optional.of(jobId), message, created, when);
    }
}
