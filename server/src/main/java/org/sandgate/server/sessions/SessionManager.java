package org.sandgate.server.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobLimits;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.backends.Backends;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.shared.SharedMode;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.service.Call;
import org.sandgate.service.Caller;
import org.sandgate.service.ServiceContext;
import org.sandgate.service.SessionStatus;
import org.sandgate.service.JobSpec;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;
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
    private static final ObjectMapper JSON = org.sandgate.server.json.StrictJson.mapper();
    /** The owner recorded for anonymous callers. */
    public static final String ANONYMOUS = "anonymous";

    private final SessionStore store;
    private final Sandboxes sandboxes;
    private final SandboxKeeper keeper;
    private final Backends backends;
    private final SandgateConfig.Local local;
    private final SandgateConfig.Jobs jobs;
    private final boolean runAsAccount;
    private final Clock clock;
    private final long pollMillis;
    private final List<Consumer<Session>> listeners = new CopyOnWriteArrayList<>();
    /** Sessions whose job is being submitted by a call right now: the poller leaves them alone. */
    private final Set<SessionId> submitting = ConcurrentHashMap.newKeySet();
    /** When each back end was last asked about its jobs, and its last failure (logged once). */
    private final Map<String, Instant> lastPoll = new HashMap<>();
    private final Map<String, String> lastFailure = new HashMap<>();
    private ScheduledExecutorService poller;
    /** Starts local jobs, so that one session's slow or stuck start never holds up the poller. */
    private ExecutorService starter;

    /** A job as stored with its session, so a queued job survives a restart. */
    record StoredJob(List<String> argv, Map<String, String> environment, long wallSeconds) {
    }

    /**
     * @param shared     shared mode (jobs and sandboxes belong to the sessions' accounts); empty:
     *                   personal mode
     * @param backends   the back ends, by service
     * @param local      the local back end's slots and the wall-clock rule of every back end
     * @param jobs       the resource limits of local jobs, by tier
     * @param pollMillis how often the poller runs (batch systems are asked less often, see
     *                   {@link Backends#pollInterval})
     */
    public SessionManager(SessionStore store, Sandboxes sandboxes, Optional<SharedMode> shared, Backends backends,
                          SandgateConfig.Local local, SandgateConfig.Jobs jobs, Clock clock, long pollMillis) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.keeper = shared.map(m -> SandboxKeeper.shared(sandboxes, m)).orElseGet(() -> SandboxKeeper.personal(sandboxes));
        this.backends = backends;
        this.local = local;
        this.jobs = jobs;
        this.runAsAccount = shared.isPresent();
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
        starter = Executors.newFixedThreadPool(Math.max(2, Math.min(8, local.slots())), r -> {
            Thread t = new Thread(r, "job-start");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::tickSafely, 0, pollMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        poller.shutdownNow();
        starter.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
        starter.awaitTermination(5, TimeUnit.SECONDS);
        backends.close();
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
        BatchSystem backend = backends.forService(service.name(), service.backend());
        boolean stored = false;
        submitting.add(id);
        try {
            ServiceContext context = new Context(call.caller(), ownerKey, id, sandbox);
            JobSpec spec = PluginCalls.run(service, () -> method.jobHandler().prepare(call, context), what);
            keeper.handOver(id);
            long wall = wallSeconds(call.cost(), spec);
            Instant now = clock.instant();
            Session session = new Session(id, service.name(), method.name(), owner, ownerKey, account,
                    call.caller().tier().wireName(), call.cost(), SessionState.QUEUED, Optional.empty(),
                    backend.name(), Optional.empty(), Optional.empty(), now, now);
            StoredJob job = new StoredJob(spec.argv(), spec.environment(), wall);
            store.insert(session, JSON.writeValueAsString(job));
            stored = true;
            if (!isLocal(backend)) {
                String jobId = backend.submit(request(session, job));
                session = session.submitted(jobId, SessionState.QUEUED, clock.instant());
                store.update(session);
            }
            LOG.info("session {} created: {} for {} as {} on {}", id, what, owner, account, backend.name());
            announce(session);
            poller.execute(this::tickSafely);
            return session;
        } catch (BackendException e) {
            forgetFailed(id, stored, account);
            LOG.warn("session {} not created: {} refused the job: {}", id, backend.name(), e.getMessage());
            throw new Refusal(ErrorCode.BACKEND_UNAVAILABLE, backend.name() + ": " + e.getMessage());
        } catch (RuntimeException | IOException e) {
            forgetFailed(id, stored, account);
            if (e instanceof Refusal api) {
                throw api;
            }
            throw PluginCalls.serviceError(what + " job", e);
        } finally {
            submitting.remove(id);
        }
    }

    private void forgetFailed(SessionId id, boolean stored, String account) {
        if (stored) {
            store.delete(id);
        }
        removeSandbox(id, account);
    }

    private static boolean isLocal(BatchSystem backend) {
        return backend.name().equals("local");
    }

    private JobRequest request(Session s, StoredJob job) {
        JobLimits limits = Tier.fromWireName(s.tier()).map(t -> {
            SandgateConfig.JobLimits l = jobs.limitsOf(t);
            return new JobLimits(l.processes(), l.fileBytes(), l.openFiles(), l.addressBytes());
        }).orElseThrow(() -> new IllegalStateException("session " + s.id() + " has no known tier"));
        return new JobRequest(s.id().value(), sandboxes.of(s.id()), job.argv(), job.environment(),
                Duration.ofSeconds(job.wallSeconds()), runAs(s), limits);
    }

    private Optional<String> runAs(Session s) {
        return runAsAccount ? Optional.of(s.account()) : Optional.empty();
    }

    private SubmittedJob submitted(Session s) {
        return new SubmittedJob(s.backendJobId().orElseThrow(), sandboxes.of(s.id()), runAs(s));
    }

    private BatchSystem backendOf(Session s) {
        return backends.byName(s.backend()).orElseThrow(() -> new BackendException(
                "the back end '" + s.backend() + "' of session " + s.id() + " is no longer configured"));
    }

    /** The context a service prepares its job in: the caller's own sessions only. */
    private final class Context implements ServiceContext {
        private final Caller caller;
        private final String ownerKey;
        private final SessionId id;
        private final Path sandbox;

        Context(Caller caller, String ownerKey, SessionId id, Path sandbox) {
            this.caller = caller;
            this.ownerKey = ownerKey;
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
            if (ownerKey.equals(ANONYMOUS)) {
                return Optional.empty();
            }
            return SessionId.parse(sessionId).flatMap(store::find).filter(s -> s.ownerKey().equals(ownerKey))
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
        List<Session> all = new java.util.ArrayList<>(mine);
        all.addAll(old);
        all.sort(java.util.Comparator.comparing(Session::created).reversed());
        return all;
    }

    /**
     * Gives sessions stored by an earlier version, which kept only the owner's slash-form DN, their
     * owner key: the canonical form of the DN that slash form reads as. Sessions whose DN cannot be
     * read keep none; only a caller whose own slash form is unambiguous and equal then owns them.
     *
     * @return how many sessions got a key
     */
    public int migrateOwnerKeys(java.util.function.Function<String, Optional<String>> keyOfSlashDn) {
        int done = 0;
        for (Session s : store.withoutOwnerKey()) {
            Optional<String> key = s.owner().equals(ANONYMOUS) ? Optional.of(ANONYMOUS) : keyOfSlashDn.apply(s.owner());
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
     * Cancels a session's job if it has not ended, then removes the session and its sandbox.
     *
     * @throws Refusal 503 when the batch system cannot cancel the job; the session stays
     */
    public synchronized void remove(Session session) {
        awaitStart(session.id());
        Session current = store.find(session.id()).orElse(session);
        if (!current.state().terminal()) {
            if (current.backendJobId().isPresent()) {
                try {
                    backendOf(current).cancel(submitted(current));
                } catch (BackendException e) {
                    throw new Refusal(ErrorCode.BACKEND_UNAVAILABLE, current.backend() + ": " + e.getMessage());
                }
            }
            Session cancelled = current.withState(SessionState.CANCELLED, Optional.empty(),
                    Optional.of("cancelled by its owner"), clock.instant());
            store.update(cancelled);
            announce(cancelled);
        }
        current.backendJobId().ifPresent(jobId -> backends.byName(current.backend())
                .ifPresent(b -> b.forget(submitted(current))));
        removeSandbox(session.id(), session.account());
        store.delete(session.id());
        LOG.info("session {} removed", session.id());
    }

    /** Waits (bounded by the wrapper's time limit) until a job being started has its id stored. */
    private void awaitStart(SessionId id) {
        while (submitting.contains(id) && store.find(id).map(s -> s.backendJobId().isEmpty()).orElse(false)) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
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

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("following the jobs failed (will retry): {}", e.toString());
        }
    }

    /**
     * Follows the live jobs, one status call per back end (batch systems at their poll interval),
     * and starts queued jobs: local ones while slots are free, batch ones that a restart left
     * unsubmitted. A back end that cannot be asked is logged once and asked again next time.
     */
    synchronized void tick() {
        List<Session> unfinished = store.unfinished();
        Map<String, List<Session>> live = new HashMap<>();
        for (Session s : unfinished) {
            if (s.backendJobId().isPresent()) {
                live.computeIfAbsent(s.backend(), b -> new ArrayList<>()).add(s);
            }
        }
        Instant now = clock.instant();
        int localBusy = live.getOrDefault("local", List.of()).size() + (int) unfinished.stream()
                .filter(s -> s.backend().equals("local") && s.backendJobId().isEmpty() && submitting.contains(s.id()))
                .count();
        for (Map.Entry<String, List<Session>> e : live.entrySet()) {
            String name = e.getKey();
            Instant last = lastPoll.get(name);
            if (last != null && now.isBefore(last.plus(backends.pollInterval(name)))) {
                continue;
            }
            lastPoll.put(name, now);
            int ended = follow(name, e.getValue());
            if (name.equals("local")) {
                localBusy -= ended;
            }
        }
        List<Session> waitingLocally = new ArrayList<>();
        for (Session s : unfinished) {
            if (s.state() != SessionState.QUEUED || s.backendJobId().isPresent() || submitting.contains(s.id())) {
                continue;
            }
            if (s.backend().equals("local")) {
                waitingLocally.add(s);
            } else {
                start(s);
            }
        }
        if (!waitingLocally.isEmpty() && localBusy < local.slots()) {
            Map<String, Integer> runningByOwner = new HashMap<>();
            for (Session s : live.getOrDefault("local", List.of())) {
                if (!store.find(s.id()).map(x -> x.state().terminal()).orElse(true)) {
                    runningByOwner.merge(FairQueue.ownerOf(s), 1, Integer::sum);
                }
            }
            for (Session s : unfinished) {
                if (s.backend().equals("local") && s.backendJobId().isEmpty() && submitting.contains(s.id())) {
                    runningByOwner.merge(FairQueue.ownerOf(s), 1, Integer::sum);     // being started right now
                }
            }
            for (Session s : FairQueue.next(waitingLocally, runningByOwner, local.slots() - localBusy)) {
                startAside(s);
            }
        }
    }

    /** Asks one back end about its live jobs and stores what changed; returns how many ended. */
    private int follow(String name, List<Session> sessions) {
        Map<String, JobStatus> status;
        try {
            BatchSystem backend = backends.byName(name).orElseThrow(() -> new BackendException("not configured"));
            status = backend.status(sessions.stream().map(this::submitted).toList());
            if (lastFailure.remove(name) != null) {
                LOG.info("back end {} answers again", name);
            }
        } catch (BackendException e) {
            if (!e.getMessage().equals(lastFailure.put(name, e.getMessage()))) {
                LOG.warn("back end {} cannot be asked about its jobs (will retry): {}", name, e.getMessage());
            }
            return 0;
        }
        int ended = 0;
        for (Session s : sessions) {
            JobStatus st = status.get(s.backendJobId().get());
            if (st == null) {
                continue;
            }
            Session next = switch (st.phase()) {
                case QUEUED -> null;
                case RUNNING -> s.state() == SessionState.QUEUED
                        ? s.withState(SessionState.RUNNING, Optional.empty(), Optional.empty(), clock.instant()) : null;
                case ENDED -> s.withState(st.exitCode().orElse(-1) == 0 ? SessionState.DONE : SessionState.FAILED,
                        st.exitCode(), st.message(), clock.instant());
                case LOST -> s.withState(SessionState.FAILED, Optional.empty(), st.message(), clock.instant());
            };
            if (next == null) {
                continue;
            }
            store.update(next);
            if (next.state().terminal()) {
                ended++;
                LOG.info("session {} {} (exit {})", s.id(), next.state(),
                        next.exitCode().map(String::valueOf).orElse("-"));
            }
            announce(next);
        }
        return ended;
    }

    /**
     * Starts a local job on the starter threads, never on the poller: the wrapper call that writes
     * the job's files and starts it is bounded by its time limit, and while it runs every other
     * session is followed as usual. The session counts as submitting until the start is stored.
     */
    private void startAside(Session s) {
        submitting.add(s.id());
        try {
            starter.execute(() -> {
                try {
                    startLocal(s);
                } catch (RuntimeException e) {
                    LOG.warn("session {}: starting its job failed: {}", s.id(), e.toString());
                } finally {
                    synchronized (this) {
                        submitting.remove(s.id());
                        notifyAll();
                    }
                    poller.execute(this::tickSafely);
                }
            });
        } catch (RejectedExecutionException stopping) {
            submitting.remove(s.id());
        }
    }

    private void startLocal(Session s) {
        String jobId;
        BatchSystem backend;
        try {
            backend = backendOf(s);
            StoredJob job = JSON.readValue(store.job(s.id())
                    .orElseThrow(() -> new IllegalStateException("the session has no stored job")), StoredJob.class);
            jobId = backend.submit(request(s, job));
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (stillWaiting(s.id()).isPresent()) {
                    fail(s, e.getMessage());
                }
            }
            return;
        }
        synchronized (this) {
            Optional<Session> now = stillWaiting(s.id());
            if (now.isEmpty()) {
                return;
            }
            Session next = now.get().submitted(jobId, SessionState.RUNNING, clock.instant());
            store.update(next);
            announce(next);
        }
    }

    /** The session, if it is still queued without a job (not cancelled or removed meanwhile). */
    private Optional<Session> stillWaiting(SessionId id) {
        return store.find(id).filter(s -> s.state() == SessionState.QUEUED && s.backendJobId().isEmpty());
    }

    private void start(Session s) {
        Optional<String> stored = store.job(s.id());
        BatchSystem backend = null;
        try {
            if (stored.isEmpty()) {
                throw new IllegalStateException("the session has no stored job");
            }
            backend = backendOf(s);
            StoredJob job = JSON.readValue(stored.get(), StoredJob.class);
            // a batch session stored but without a job id: the server may have died right after submitting
            Optional<String> earlier = isLocal(backend) ? Optional.empty() : backend.findByName(s.id().value());
            if (earlier.isPresent()) {
                LOG.info("session {}: re-attached to {} job {} submitted before a restart", s.id(), backend.name(),
                        earlier.get());
            }
            String jobId = earlier.isPresent() ? earlier.get() : backend.submit(request(s, job));
            Session next = s.submitted(jobId, isLocal(backend) ? SessionState.RUNNING : SessionState.QUEUED,
                    clock.instant());
            store.update(next);
            announce(next);
        } catch (BackendException e) {
            if (backend != null && !isLocal(backend)) {
                // a batch system that is down: the session waits for it (it was stored before a restart)
                if (!e.getMessage().equals(lastFailure.put(backend.name(), e.getMessage()))) {
                    LOG.warn("session {} waits for {}: {}", s.id(), backend.name(), e.getMessage());
                }
                return;
            }
            fail(s, e.getMessage());
        } catch (IOException | RuntimeException e) {
            fail(s, e.getMessage());
        }
    }

    private void fail(Session s, String why) {
        Session failed = s.withState(SessionState.FAILED, Optional.empty(),
                Optional.of("the job could not start: " + why), clock.instant());
        store.update(failed);
        announce(failed);
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
