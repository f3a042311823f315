package org.sandgate.server.sessions;

import java.io.IOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.batch.BackendException;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobStatus;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.sandbox.SessionState;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the jobs of unfinished sessions to their end: one status call per back end (batch systems
 * at their poll interval), local jobs started while the local back end has free slots (fairly across
 * owners), batch jobs that a restart left unsubmitted submitted, and jobs that cannot start failed.
 * It needs only the store and the back ends, so after a restart it picks up where it was. A session
 * someone else is changing (a call submitting it, a removal cancelling it) is left alone until the
 * next round.
 */
public final class JobFollower extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(JobFollower.class);

    private final SessionStore store;
    private final SessionJobs jobs;
    private final SessionClaims claims;
    private final SessionEvents events;
    private final PeriodicWork work;
    private final int localSlots;
    private final Clock clock;
    private final Duration interval;
    /** Local sessions whose job is being started on the starter threads. */
    private final Set<SessionId> starting = ConcurrentHashMap.newKeySet();
    /** When each back end was last asked about its jobs, and its last failure (logged once). */
    private final Map<String, Instant> lastPoll = new HashMap<>();
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    private PeriodicWork.Task task;
    /** Starts local jobs, so that one session's slow or stuck start never holds up the others. */
    private ExecutorService starter;

    JobFollower(SessionStore store, SessionJobs jobs, SessionClaims claims, SessionEvents events, PeriodicWork work,
                int localSlots, Clock clock, Duration interval) {
        this.store = store;
        this.jobs = jobs;
        this.claims = claims;
        this.events = events;
        this.work = work;
        this.localSlots = localSlots;
        this.clock = clock;
        this.interval = interval;
    }

    @Override
    protected void doStart() {
        starter = Executors.newFixedThreadPool(Math.max(2, Math.min(8, localSlots)), r -> {
            Thread t = new Thread(r, "job-start");
            t.setDaemon(true);
            return t;
        });
        task = work.every("following the jobs", interval, this::tick);
    }

    @Override
    protected void doStop() throws InterruptedException {
        task.stop();
        starter.shutdownNow();
        starter.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Follows the jobs again at once (a session was made or a job started). */
    void wake() {
        PeriodicWork.Task t = task;
        if (t != null) {
            t.runSoon();
        }
    }

    /**
     * One round: follows the live jobs, one status call per back end, and starts queued jobs: local
     * ones while slots are free, batch ones that a restart left unsubmitted. A back end that cannot
     * be asked is logged once and asked again next time.
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
        int localBusy = live.getOrDefault(SessionJobs.LOCAL, List.of()).size() + (int) unfinished.stream()
                .filter(s -> SessionJobs.isLocal(s.backend()) && s.backendJobId().isEmpty() && starting.contains(s.id()))
                .count();
        for (Map.Entry<String, List<Session>> e : live.entrySet()) {
            String name = e.getKey();
            Instant last = lastPoll.get(name);
            if (last != null && now.isBefore(last.plus(jobs.backends().pollInterval(name)))) {
                continue;
            }
            lastPoll.put(name, now);
            int ended = follow(name, e.getValue());
            if (SessionJobs.isLocal(name)) {
                localBusy -= ended;
            }
        }
        List<Session> waitingLocally = new ArrayList<>();
        for (Session s : unfinished) {
            if (s.state() != SessionState.QUEUED || s.backendJobId().isPresent() || starting.contains(s.id())
                    || claims.held(s.id())) {
                continue;
            }
            if (SessionJobs.isLocal(s.backend())) {
                waitingLocally.add(s);
            } else {
                start(s);
            }
        }
        if (!waitingLocally.isEmpty() && localBusy < localSlots) {
            Map<String, Integer> runningByOwner = new HashMap<>();
            for (Session s : live.getOrDefault(SessionJobs.LOCAL, List.of())) {
                if (!store.find(s.id()).map(x -> x.state().terminal()).orElse(true)) {
                    runningByOwner.merge(FairQueue.ownerOf(s), 1, Integer::sum);
                }
            }
            for (Session s : unfinished) {
                if (SessionJobs.isLocal(s.backend()) && s.backendJobId().isEmpty() && starting.contains(s.id())) {
                    runningByOwner.merge(FairQueue.ownerOf(s), 1, Integer::sum);     // being started right now
                }
            }
            for (Session s : FairQueue.next(waitingLocally, runningByOwner, localSlots - localBusy)) {
                startAside(s);
            }
        }
    }

    /** Asks one back end about its live jobs and stores what changed; returns how many ended. */
    private int follow(String name, List<Session> sessions) {
        Map<String, JobStatus> status;
        try {
            BatchSystem backend = jobs.backends().byName(name).orElseThrow(() -> new BackendException("not configured"));
            status = backend.status(sessions.stream().map(jobs::submitted).toList());
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
        for (Session asked : sessions) {
            JobStatus st = status.get(asked.backendJobId().get());
            // most rounds change nothing: only a change is claimed and read again
            if (st == null || next(asked, st).isEmpty() || !claims.tryClaim(asked.id())) {
                continue;           // unchanged, unknown, or being changed by someone else: next round
            }
            try {
                // read again under the claim: it may have been cancelled or removed since the round began
                Optional<Session> next = store.find(asked.id()).filter(s -> !s.state().terminal())
                        .flatMap(s -> next(s, st));
                if (next.isEmpty()) {
                    continue;
                }
                store.update(next.get());
                if (next.get().state().terminal()) {
                    ended++;
                    LOG.info("session {} {} (exit {})", asked.id(), next.get().state(),
                            next.get().exitCode().map(String::valueOf).orElse("-"));
                }
                events.announce(next.get());
            } finally {
                claims.release(asked.id());
            }
        }
        return ended;
    }

    /** The session as its job's status makes it, if that changes it. */
    private Optional<Session> next(Session s, JobStatus st) {
        return Optional.ofNullable(switch (st.phase()) {
            case QUEUED -> null;
            case RUNNING -> s.state() == SessionState.QUEUED
                    ? s.withState(SessionState.RUNNING, Optional.empty(), Optional.empty(), clock.instant()) : null;
            case ENDED -> s.withState(st.exitCode().orElse(-1) == 0 ? SessionState.DONE : SessionState.FAILED,
                    st.exitCode(), st.message(), clock.instant());
            case LOST -> s.withState(SessionState.FAILED, Optional.empty(), st.message(), clock.instant());
        });
    }

    /**
     * Starts a local job on the starter threads, never on the follower's: the wrapper call that
     * writes the job's files and starts it is bounded by its time limit, and while it runs every
     * other session is followed as usual. The session is claimed until its start is stored.
     */
    private void startAside(Session s) {
        if (!claims.tryClaim(s.id())) {
            return;
        }
        starting.add(s.id());
        try {
            starter.execute(() -> {
                try {
                    startLocal(s);
                } catch (RuntimeException e) {
                    LOG.warn("session {}: starting its job failed: {}", s.id(), e.toString());
                } finally {
                    starting.remove(s.id());
                    claims.release(s.id());
                    wake();
                }
            });
        } catch (RejectedExecutionException stopping) {
            starting.remove(s.id());
            claims.release(s.id());
        }
    }

    private void startLocal(Session s) {
        Optional<Session> waiting = stillWaiting(s.id());
        if (waiting.isEmpty()) {
            return;
        }
        String jobId;
        try {
            jobId = jobs.backendOf(s).submit(jobs.request(s, jobs.storedJob(s)));
        } catch (IOException | RuntimeException e) {
            fail(waiting.get(), e.getMessage());
            return;
        }
        Session next = waiting.get().submitted(jobId, SessionState.RUNNING, clock.instant());
        store.update(next);
        events.announce(next);
    }

    /** The session, if it is still queued without a job (not cancelled or removed meanwhile). */
    private Optional<Session> stillWaiting(SessionId id) {
        return store.find(id).filter(s -> s.state() == SessionState.QUEUED && s.backendJobId().isEmpty());
    }

    /** Submits a batch session's job that a restart left unsubmitted, or re-attaches to it. */
    private void start(Session queued) {
        if (!claims.tryClaim(queued.id())) {
            return;
        }
        try {
            Optional<Session> waiting = stillWaiting(queued.id());
            if (waiting.isPresent()) {
                submitStored(waiting.get());
            }
        } finally {
            claims.release(queued.id());
        }
    }

    private void submitStored(Session s) {
        BatchSystem backend = null;
        try {
            backend = jobs.backendOf(s);
            StoredJob job = jobs.storedJob(s);
            boolean local = SessionJobs.isLocal(backend);
            // a batch session stored but without a job id: the server may have died right after submitting
            Optional<String> earlier = local ? Optional.empty() : backend.findByName(jobs.batchName(s));
            if (earlier.isPresent()) {
                LOG.info("session {}: re-attached to {} job {} submitted before a restart", s.id(), backend.name(),
                        earlier.get());
            }
            String jobId = earlier.isPresent() ? earlier.get() : backend.submit(jobs.request(s, job));
            Session next = s.submitted(jobId, local ? SessionState.RUNNING : SessionState.QUEUED, clock.instant());
            store.update(next);
            events.announce(next);
        } catch (BackendException e) {
            if (backend != null && !SessionJobs.isLocal(backend)) {
                // a batch system that is down: the session waits for it (it was stored before a restart)
                if (!e.getMessage().equals(lastFailure.put(backend.name().wireName(), e.getMessage()))) {
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
        events.announce(failed);
    }
}
