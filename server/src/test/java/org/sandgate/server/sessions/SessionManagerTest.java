package org.sandgate.server.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.batch.BackendName;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionState;
import org.sandgate.sandbox.SqliteSessionStore;
import org.sandgate.server.backends.TestBackends;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.sandgate.server.runmode.RunMode;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.TestServices;
import org.sandgate.service.Arguments;
import org.sandgate.service.Call;
import org.sandgate.service.Caller;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;

/** The session manager and the job follower against a back end in memory and a real store. */
class SessionManagerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final FakeBatchSystem local = new FakeBatchSystem(BackendName.LOCAL);
    private final PeriodicWork work = new PeriodicWork();
    private SqliteSessionStore store;
    private Sessions sessions;
    private DeployedService service;
    private ServiceMethod method;

    /** The default batch settings with this many local slots. */
    private static SandgateConfig.Batch localSlots(int slots) {
        SandgateConfig.Batch b = SandgateConfig.defaults().batch();
        return new SandgateConfig.Batch(b.defaultBackend(), b.services(), b.pollInterval(), b.wallFactor(), b.wallGrace(),
                new SandgateConfig.Local(slots), b.slurm(), b.pbs(), b.drmaa());
    }

    @BeforeEach
    void start() throws Exception {
        store = new SqliteSessionStore(dir.resolve("sessions.db"));
        Sandboxes sandboxes = new Sandboxes(dir.resolve("sandboxes"));
        sessions = Sessions.create(store, sandboxes, RunMode.personal(sandboxes),
                TestBackends.of(local), localSlots(4), SandgateConfig.defaults().jobs(),
                Clock.systemUTC(), work, Duration.ofMillis(20));
        method = ServiceMethod.job("run").cost(args -> 1).jobHandler((call, context) -> JobSpec.of("true"));
        service = TestServices.deployed(new Service() {
            @Override
            public String name() {
                return "test.jobs";
            }

            @Override
            public List<ServiceMethod> methods() {
                return List.of(method);
            }
        });
        work.start();
        sessions.follower().start();
    }

    @AfterEach
    void stop() throws Exception {
        local.letCancelsGo();
        sessions.follower().stop();
        work.stop();
        store.close();
    }

    private Session launch(String owner) {
        Call call = new Call(new Caller(Optional.of(owner), Tier.STRONG, Optional.of("someone")),
                new Arguments(Map.of()), 1);
        return sessions.manager().launch(service, method, call, owner, owner, "someone");
    }

    private SessionState stateOf(Session s) {
        return sessions.manager().find(s.id()).map(Session::state).orElseThrow();
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aCancelThatHangsHoldsUpNoOtherSession() throws Exception {
        Session slow = launch("CN=slow");
        Session done = launch("CN=done");
        await("both jobs started", () -> stateOf(slow) == SessionState.RUNNING && stateOf(done) == SessionState.RUNNING);
        local.end(done.id().value(), 0);
        await("the ended job followed", () -> stateOf(done) == SessionState.DONE);

        local.holdCancels();
        CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> sessions.manager().remove(slow));
        assertTrue(local.cancelEntered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the cancel began");

        // while that cancel hangs: a new session is made, started, followed to its end, and others are removed
        Session other = CompletableFuture.supplyAsync(() -> launch("CN=other")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        await("a new session's job started", () -> stateOf(other) == SessionState.RUNNING);
        local.end(other.id().value(), 3);
        await("a new session's job followed to its end", () -> stateOf(other) == SessionState.FAILED);
        CompletableFuture.runAsync(() -> sessions.manager().remove(done)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Optional.empty(), sessions.manager().find(done.id()));
        assertEquals(SessionState.RUNNING, stateOf(slow), "the session being cancelled is left alone meanwhile");
        assertTrue(!removal.isDone(), "the cancel still hangs");

        local.letCancelsGo();
        removal.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Optional.empty(), sessions.manager().find(slow.id()));
    }

    @Test
    void aRemovedSessionIsAnnouncedCancelledOnceAndNotFollowedAfter() throws Exception {
        List<SessionState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Session s = launch("CN=one");
        sessions.events().subscribe(x -> {
            if (x.id().equals(s.id())) {
                seen.add(x.state());
            }
        });
        await("the job started", () -> stateOf(s) == SessionState.RUNNING);
        sessions.manager().remove(s);
        local.end(s.id().value(), 0);
        Thread.sleep(200);          // several rounds of the follower
        assertEquals(1, seen.stream().filter(x -> x == SessionState.CANCELLED).count(), seen.toString());
        assertEquals(SessionState.CANCELLED, seen.get(seen.size() - 1), seen.toString());
        assertEquals(Optional.empty(), sessions.manager().find(s.id()));
    }
}
