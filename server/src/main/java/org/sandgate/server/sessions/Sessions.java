package org.sandgate.server.sessions;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.SessionStore;
import org.sandgate.server.backends.Backends;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.sandgate.server.runmode.RunMode;
import org.sandgate.server.runmode.SandboxKeeper;

/**
 * The parts that keep sessions, made together because they share the store and who is changing
 * which session: the manager (launch, remove, queries), the job follower (a life-cycle component
 * its owner starts and stops) and the events every change is announced on. The store and the back
 * ends stay their creator's to close.
 *
 * @param manager  launches, removes and finds sessions
 * @param follower follows their jobs; start it after the store is open, stop it before it closes
 * @param events   every stored change of a session
 */
public record Sessions(SessionManager manager, JobFollower follower, SessionEvents events) {

    /**
     * @param shared   shared mode (jobs and sandboxes belong to the sessions' accounts); empty:
     *                 personal mode
     * @param backends the back ends, by service
     * @param batch    the local back end's slots and the wall-clock rule of every back end
     * @param jobs     the resource limits of local jobs, by tier
     * @param work     the scheduler the follower runs on
     * @param poll     how often the follower runs (batch systems are asked less often, see
     *                 {@link Backends#pollInterval})
     */
    public static Sessions create(SessionStore store, Sandboxes sandboxes, RunMode mode,
                                  Backends backends, SandgateConfig.Batch batch, SandgateConfig.Jobs jobs, Clock clock,
                                  PeriodicWork work, Duration poll) {
        SandboxKeeper keeper = mode.sandboxKeeper();
        SessionJobs sessionJobs = new SessionJobs(store, sandboxes, backends, jobs, mode.shared());
        SessionClaims claims = new SessionClaims();
        SessionEvents events = new SessionEvents();
        JobFollower follower = new JobFollower(store, sessionJobs, claims, events, work, batch.local().slots(), clock, poll);
        SessionManager manager = new SessionManager(store, sessionJobs, keeper, claims, events, follower, batch, clock);
        return new Sessions(manager, follower, events);
    }
}
