package org.sandgate.server.sessions;

import java.util.HashSet;
import java.util.Set;
import org.sandgate.sandbox.SessionId;

/**
 * Which sessions someone is changing right now: a call submitting its new job, a job being started,
 * a removal cancelling one. Whoever changes a session's stored state holds its claim, so that two
 * changes of one session never interleave, while every other session stays free: a removal whose
 * {@code scancel} hangs holds up that session alone.
 */
final class SessionClaims {
    private final Set<SessionId> held = new HashSet<>();

    /** Claims a session if no one holds it. */
    synchronized boolean tryClaim(SessionId id) {
        return held.add(id);
    }

    /**
     * Claims a session, waiting while someone else holds it.
     *
     * @throws InterruptedException when interrupted while waiting (nothing is claimed)
     */
    synchronized void claim(SessionId id) throws InterruptedException {
        while (!held.add(id)) {
            wait();
        }
    }

    /** Whether someone holds the session now. */
    synchronized boolean held(SessionId id) {
        return held.contains(id);
    }

    /** Gives a claim back. */
    synchronized void release(SessionId id) {
        held.remove(id);
        notifyAll();
    }
}
