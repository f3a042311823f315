package org.sandgate.server.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.api.ApiException;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.service.Call;
import org.sandgate.service.Caller;
import org.sandgate.service.ServiceContext;
import org.sandgate.service.SessionStatus;
import org.sandgate.service.JobSpec;
import org.sandgate.service.ServiceMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions and their jobs: creates a session with its sandbox for each call of a job-launching
 * method, queues the jobs for the back end's slots, follows them to the end, and cancels and
 * removes them. Every state change is written to the store before it is announced, and the store
 * and the back end are all it needs after a restart: running jobs are followed again by their
 * stored ids, queued ones are submitted.
 */
public final class SessionManager extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The owner recorded for anonymous callers. */
    public static final String ANONYMOUS = "anonymous";

    private final SessionStore store;
    private final Sandboxes sandboxes;
    private final BatchSystem backend;
    private final SandgateConfig.Local local;
    private final Clock clock;
    private final long pollMillis;
    private final List<Consumer<Session>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService poller;

    /** A job as stored with its session, so a queued job survives a restart. */
    record StoredJob(List<String> argv, Map<String, String> environment, long wallSeconds) {
    }

    public SessionManager(SessionStore store, Sandboxes sandboxes, BatchSystem backend, SandgateConfig.Local local,
                          Clock clock, long pollMillis) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.backend = backend;
        this.local = local;
        this.clock = clock;
        this.pollMillis = pollMillis;
    }

    @Override
    protected void doStart() {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sessions");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::tickSafely, 0, pollMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
        store.close();
    }

    /** Called with every session whose state changed, after the change is stored. */
    public void addListener(Consumer<Session> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Session> listener) {
        listeners.remove(listener);
    }

    /**
     * Creates a session for a call: makes its sandbox, lets the service prepare the job there, and
     * stores the session queued. If the service fails, nothing is left behind.
     */
    public Session launch(DeployedService service, ServiceMethod method, Call call, String owner, String account) {
        SessionId id = SessionId.random();
        Path sandbox;
        try {
            sandbox = sandboxes.create(id);
        } catch (IOException e) {
            throw new ApiException(503, "unavailable", "cannot make a sandbox: " + e.getMessage());
        }
        String what = service.name() + "." + method.name();
        try {
            ServiceContext context = new Context(call.caller(), owner, id, sandbox);
            JobSpec spec = PluginCalls.run(service, () -> method.jobHandler().prepare(call, context), what);
            long wall = wallSeconds(call.cost(), spec);
            Instant now = clock.instant();
            Session session = new Session(id, service.name(), method.name(), owner, account,
                    call.caller().tier().wireName(), call.cost(), SessionState.QUEUED, Optional.empty(),
                    backend.name(), Optional.empty(), Optional.empty(), now, now);
            store.insert(session, JSON.writeValueAsString(new StoredJob(spec.argv(), spec.environment(), wall)));
            LOG.info("session {} created: {} for {} as {}", id, what, owner, account);
            announce(session);
            poller.execute(this::tickSafely);
            return session;
        } catch (RuntimeException | JsonProcessingException e) {
            removeSandbox(id);
            if (e instanceof ApiException api) {
                throw api;
            }
            throw PluginCalls.serviceError(what + " job", e);
        }
    }

    /** The context a service prepares its job in: the caller's own sessions only. */
    private final class Context implements ServiceContext {
        private final Caller caller;
        private final String owner;
        private final SessionId id;
        private final Path sandbox;

        Context(Caller caller, String owner, SessionId id, Path sandbox) {
            this.caller = caller;
            this.owner = owner;
            this.id = id;
            this.sandbox = sandbox;
        }

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public String sessionId() {
            return id.value();
        }

        @Override
        public Path sandbox() {
            return sandbox;
        }

        @Override
        public Optional<SessionStatus> status(String sessionId) {
            if (owner.equals(ANONYMOUS)) {
                return Optional.empty();
            }
            return SessionId.parse(sessionId).flatMap(store::find).filter(s -> s.owner().equals(owner))
                    .map(s -> new SessionStatus(s.id().value(), s.state().name(), s.exitCode()));
        }
    }

    private long wallSeconds(double cost, JobSpec spec) {
        long derived = (long) Math.ceil(cost * local.wallFactor()) + local.wallGraceSeconds();
        long asked = spec.wallTime().map(Duration::toSeconds).orElse(Long.MAX_VALUE);
        return Math.max(1, Math.min(derived, asked));
    }

    /** A session the caller may see: their own, or an anonymous one by its id (a capability). */
    public Optional<Session> find(SessionId id) {
        return store.find(id);
    }

    /** The number of stored sessions in each state. */
    public Map<SessionState, Long> countByState() {
        return store.countByState();
    }

    /** The sessions of an owner, newest first. */
    public List<Session> ownedBy(String owner) {
        return store.byOwner(owner);
    }

    /** Cancels a session's job if it has not ended, then removes the session and its sandbox. */
    public synchronized void remove(Session session) {
        Session current = store.find(session.id()).orElse(session);
        if (!current.state().terminal()) {
            current.backendJobId().ifPresent(backend::cancel);
            Session cancelled = current.withState(SessionState.CANCELLED, Optional.empty(),
                    Optional.of("cancelled by its owner"), clock.instant());
            store.update(cancelled);
            announce(cancelled);
        }
        removeSandbox(session.id());
        if (backend instanceof org.sandgate.batch.local.LocalBatchSystem localBackend) {
            localBackend.forget(session.id().value());
        }
        store.delete(session.id());
        LOG.info("session {} removed", session.id());
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

    private void removeSandbox(SessionId id) {
        try {
            sandboxes.delete(id);
        } catch (IOException e) {
            LOG.warn("sandbox of {} not fully removed: {}", id, e.getMessage());
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("following the jobs failed (will retry): {}", e.toString());
        }
    }

    /** Updates running sessions from the back end and starts queued ones while slots are free. */
    synchronized void tick() {
        List<Session> unfinished = store.unfinished();
        List<Session> running = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Session s : unfinished) {
            if (s.state() == SessionState.RUNNING && s.backendJobId().isPresent()) {
                running.add(s);
                ids.add(s.backendJobId().get());
            }
        }
        int busy = running.size();
        if (!ids.isEmpty()) {
            Map<String, JobStatus> status = backend.status(ids);
            for (Session s : running) {
                JobStatus st = status.get(s.backendJobId().get());
                if (st == null || st.phase() == JobStatus.Phase.RUNNING || st.phase() == JobStatus.Phase.QUEUED) {
                    continue;
                }
                Session done = st.phase() == JobStatus.Phase.LOST
                        ? s.withState(SessionState.FAILED, Optional.empty(), st.message(), clock.instant())
                        : s.withState(st.exitCode().orElse(-1) == 0 ? SessionState.DONE : SessionState.FAILED,
                                st.exitCode(), st.message(), clock.instant());
                store.update(done);
                busy--;
                LOG.info("session {} {} (exit {})", s.id(), done.state(), done.exitCode().map(String::valueOf).orElse("-"));
                announce(done);
            }
        }
        for (Session s : unfinished) {
            if (busy >= local.slots()) {
                break;
            }
            if (s.state() == SessionState.QUEUED) {
                start(s);
                busy++;
            }
        }
    }

    private void start(Session s) {
        Optional<String> stored = store.job(s.id());
        try {
            if (stored.isEmpty()) {
                throw new BackendException("the session has no stored job");
            }
            StoredJob job = JSON.readValue(stored.get(), StoredJob.class);
            String jobId = backend.submit(new JobRequest(s.id().value(), sandboxes.of(s.id()), job.argv(),
                    job.environment(), Duration.ofSeconds(job.wallSeconds())));
            Session running = s.submitted(jobId, clock.instant());
            store.update(running);
            announce(running);
        } catch (BackendException | IOException e) {
            Session failed = s.withState(SessionState.FAILED, Optional.empty(),
                    Optional.of("the job could not start: " + e.getMessage()), clock.instant());
            store.update(failed);
            announce(failed);
        }
    }

    private void announce(Session s) {
        for (Consumer<Session> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.debug("session listener failed", e);
            }
        }
    }
}
