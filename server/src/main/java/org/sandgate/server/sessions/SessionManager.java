package org.sandgate.server.sessions;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.runmode.SandboxKeeper;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.service.Call;
import org.sandgate.service.JobSpec;
import org.sandgate.service.ServiceMethod;
import org.sandgate.server.identity.RequestCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions: creates a session with its sandbox for each call of a job-launching method, answers
 * which sessions there are, and cancels and removes them (one by one, and the retention sweep).
 * Every state change is written to the store before it is announced ({@link SessionEvents}); the
 * {@link JobFollower} takes the jobs from there. Changing a session claims that session only, so a
 * back end that is slow to cancel one job holds up nothing else.
 */
public final class SessionManager {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private final SessionStore store;
    private final SessionJobs jobs;
    private final SandboxKeeper keeper;
    private final SessionClaims claims;
    private final SessionEvents events;
    private final JobFollower follower;
    private final SandgateConfig.Batch batch;
    private final Clock clock;

    SessionManager(SessionStore store, SessionJobs jobs, SandboxKeeper keeper, SessionClaims claims,
                   SessionEvents events, JobFollower follower, SandgateConfig.Batch batch, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.keeper = keeper;
        this.claims = claims;
        this.events = events;
        this.follower = follower;
        this.batch = batch;
        this.clock = clock;
    }

    /**
     * Creates a session for a call: makes its sandbox, lets the service prepare the job there, and
     * stores the session queued. A job for a batch system is submitted before the call returns, so
     * that a batch system that is down or refuses is the caller's answer ({@code 503
     * backend_unavailable}). If anything fails, nothing is left behind.
     */
    public Session launch(DeployedService service, ServiceMethod method, Call call, String owner, String ownerKey,
                          String account) {
        keeper.admit(account);
        SessionId id = SessionId.random();
        Path sandbox;
        try {
            sandbox = keeper.create(id, account);
        } catch (IOException e) {
            LOG.warn("cannot make a sandbox for {}: {}", account, e.getMessage());
            throw new Refusal(ErrorCode.UNAVAILABLE, "cannot make a sandbox: " + e.getMessage());
        }
        String what = service.name() + "." + method.name();
        BatchSystem backend = jobs.backends().forService(service.name(), service.backend());
        boolean stored = false;
        claims.tryClaim(id);        // a fresh id: no one else can hold it
        try {
            SessionContext context = new SessionContext(call.caller(), ownerKey, id, sandbox, store);
            JobSpec spec = PluginCalls.run(service, () -> method.jobHandler().prepare(call, context), what);
            keeper.handOver(id, account);
            long wall = wallSeconds(call.cost(), spec);
            Instant now = clock.instant();
            Session session = new Session(id, service.name(), method.name(), owner, ownerKey, account,
                    call.caller().tier(), call.cost(), SessionState.QUEUED, Optional.empty(),
                    backend.name().wireName(), Optional.empty(), Optional.empty(), now, now);
            StoredJob job = new StoredJob(spec.argv(), spec.environment(), wall);
            store.insert(session, SessionJobs.encode(job));
            stored = true;
            if (!SessionJobs.isLocal(backend)) {
                String jobId = backend.submit(jobs.request(session, job));
                session = session.submitted(jobId, SessionState.QUEUED, clock.instant());
                store.update(session);
            }
            LOG.info("session {} created: {} for {} as {} on {}", id, what, owner, account, backend.name());
            events.announce(session);
            return session;
        } catch (BackendException e) {
            forgetFailed(id, stored, account);
            LOG.warn("session {} not created: {} refused the job: {}", id, backend.name(), e.getMessage());
            throw new Refusal(ErrorCode.BACKEND_UNAVAILABLE, backend.name() + ": " + e.getMessage());
        } catch (RuntimeException | IOException e) {
            forgetFailed(id, stored, account);
            if (e instanceof Refusal refusal) {
                throw refusal;
            }
            throw PluginCalls.serviceError(what + " job", e);
        } finally {
            claims.release(id);
            follower.wake();
        }
    }

    private void forgetFailed(SessionId id, boolean stored, String account) {
        if (stored) {
            store.delete(id);
        }
        removeSandbox(id, account);
    }

    private long wallSeconds(double cost, JobSpec spec) {
        long derived = batch.wallClockOf(cost).toSeconds();
        long asked = spec.wallTime().map(Duration::toSeconds).orElse(Long.MAX_VALUE);
        return Math.max(1, Math.min(derived, asked));
    }

    /** A session the caller may see: their own, or an anonymous one by its id (a capability). */
    public Optional<Session> find(SessionId id) {
        return store.find(id);
    }

    /** The sessions queued or running, oldest first. */
    public List<Session> unfinished() {
        return store.unfinished();
    }

    /** The number of stored sessions in each state. */
    public Map<SessionState, Long> countByState() {
        return store.countByState();
    }

    /** The newest sessions of every owner, newest first (for administrators). */
    public List<Session> all(int limit) {
        return store.newest(limit);
    }

    /**
     * The sessions of an owner, newest first.
     *
     * @param ownerKey the owner's canonical subject
     * @param shown    the owner's slash-form DN, which finds sessions stored by an earlier version whose
     *                 owner key could not be made; empty when the caller's slash form is ambiguous
     */
    public List<Session> ownedBy(String ownerKey, Optional<String> shown) {
        List<Session> mine = store.byOwner(ownerKey);
        if (shown.isEmpty()) {
            return mine;
        }
        List<Session> old = store.byOwnerWithoutKey(shown.get());
        if (old.isEmpty()) {
            return mine;
        }
        List<Session> all = new ArrayList<>(mine);
        all.addAll(old);
        all.sort(Comparator.comparing(Session::created).reversed());
        return all;
    }

    /**
     * Gives sessions stored by an earlier version, which kept only the owner's slash-form DN, their
     * owner key: the canonical form of the DN that slash form reads as. Sessions whose DN cannot be
     * read keep none; only a caller whose own slash form is unambiguous and equal then owns them.
     *
     * @return how many sessions got a key
     */
    public int migrateOwnerKeys(Function<String, Optional<String>> keyOfSlashDn) {
        int done = 0;
        for (Session s : store.withoutOwnerKey()) {
            Optional<String> key = s.owner().equals(RequestCaller.ANONYMOUS)
                    ? Optional.of(RequestCaller.ANONYMOUS) : keyOfSlashDn.apply(s.owner());
            if (key.isPresent()) {
                store.update(new Session(s.id(), s.service(), s.method(), s.owner(), key.get(), s.account(), s.tier(),
                        s.cost(), s.state(), s.exitCode(), s.backend(), s.backendJobId(), s.message(), s.created(),
                        s.updated()));
                done++;
            } else {
                LOG.warn("session {}: its owner {} cannot be read as a DN; it stays with that slash form", s.id(),
                        s.owner());
            }
        }
        return done;
    }

    /**
     * Cancels a session's job if it has not ended, then removes the session and its sandbox. Waits
     * while the session is being changed (a job being started: bounded by the job wrapper's time
     * limit); the cancel itself holds up no other session.
     *
     * @throws Refusal 503 when the batch system cannot cancel the job; the session stays
     */
    public void remove(Session session) {
        try {
            claims.claim(session.id());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(ErrorCode.UNAVAILABLE, "the server is stopping");
        }
        try {
            Optional<Session> stored = store.find(session.id());
            if (stored.isEmpty()) {
                return;             // removed meanwhile
            }
            Session current = stored.get();
            if (!current.state().terminal()) {
                if (current.backendJobId().isPresent()) {
                    try {
                        jobs.backendOf(current).cancel(jobs.submitted(current));
                    } catch (BackendException e) {
                        throw new Refusal(ErrorCode.BACKEND_UNAVAILABLE, current.backend() + ": " + e.getMessage());
                    }
                }
                Session cancelled = current.withState(SessionState.CANCELLED, Optional.empty(),
                        Optional.of("cancelled by its owner"), clock.instant());
                store.update(cancelled);
                events.announce(cancelled);
            }
            current.backendJobId().ifPresent(jobId -> jobs.backends().byName(current.backend())
                    .ifPresent(b -> b.forget(jobs.submitted(current))));
            removeSandbox(current.id(), current.account());
            store.delete(current.id());
            LOG.info("session {} removed", current.id());
        } finally {
            claims.release(session.id());
        }
    }

    /** Removes finished sessions, with their sandboxes, whose last change is older than {@code retention}. */
    public int sweep(Duration retention) {
        int removed = 0;
        for (Session s : store.finishedBefore(clock.instant().minus(retention))) {
            remove(s);
            removed++;
        }
        if (removed > 0) {
            LOG.info("retention: removed {} finished sessions older than {}", removed, retention);
        }
        return removed;
    }

    private void removeSandbox(SessionId id, String account) {
        try {
            keeper.delete(id, account);
        } catch (IOException e) {
            LOG.warn("sandbox of {} not fully removed: {}", id, e.getMessage());
        }
    }
}
