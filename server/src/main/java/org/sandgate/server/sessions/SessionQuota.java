package org.sandgate.server.sessions;

import org.sandgate.server.identity.RequestCaller;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;

/**
 * How many sessions each caller has queued or running, so that one caller cannot fill the queue
 * ({@code limits.sessions}). A caller is its canonical subject, or its address when anonymous (the key is the
 * caller's to choose). A slot is reserved before a session is made and bound to it once it exists,
 * so concurrent calls of one caller cannot overshoot; it is given back when the session ends or is
 * removed. Sessions that were unfinished when the server started count for their owner (anonymous
 * ones, whose address is not stored, for {@link #RESTARTED_ANONYMOUS}).
 */
public final class SessionQuota {
    /** The caller that anonymous sessions found unfinished at start count for. */
    public static final String RESTARTED_ANONYMOUS = RequestCaller.ANONYMOUS + "@restarted";

    private final SessionManager sessions;
    private final Map<String, Set<SessionId>> active = new HashMap<>();
    private final Map<SessionId, String> callerOf = new HashMap<>();
    private final Map<String, Integer> reserved = new HashMap<>();

    /** @param events the changes that end sessions, which give their slots back */
    public SessionQuota(SessionManager sessions, SessionEvents events) {
        this.sessions = sessions;
        events.subscribe(this::changed);
        for (Session s : sessions.unfinished()) {
            add(s.owner().equals(RequestCaller.ANONYMOUS) ? RESTARTED_ANONYMOUS
                    : s.ownerKey().isEmpty() ? s.owner() : s.ownerKey(), s.id());
        }
    }

    /** A slot held for a session about to be made. */
    public record Reservation(String caller) {
    }

    /** A slot if the caller holds fewer than {@code limit} (sessions and reservations together). */
    public synchronized Optional<Reservation> reserve(String caller, int limit) {
        int held = active.getOrDefault(caller, Set.of()).size() + reserved.getOrDefault(caller, 0);
        if (held >= limit) {
            return Optional.empty();
        }
        reserved.merge(caller, 1, Integer::sum);
        return Optional.of(new Reservation(caller));
    }

    /** The session made on a reservation now holds the slot (unless it has ended already). */
    public synchronized void bind(Reservation slot, SessionId id) {
        unreserve(slot);
        // a state change is stored before it is announced, so an end not seen yet is seen here
        if (sessions.find(id).map(s -> !s.state().terminal()).orElse(false)) {
            add(slot.caller(), id);
        }
    }

    /** Gives back a reservation whose session was not made. */
    public synchronized void release(Reservation slot) {
        unreserve(slot);
    }

    /** The sessions a caller holds now. */
    public synchronized int held(String caller) {
        return active.getOrDefault(caller, Set.of()).size();
    }

    private void unreserve(Reservation slot) {
        reserved.computeIfPresent(slot.caller(), (k, n) -> n <= 1 ? null : n - 1);
    }

    private void add(String caller, SessionId id) {
        active.computeIfAbsent(caller, k -> new HashSet<>()).add(id);
        callerOf.put(id, caller);
    }

    private synchronized void changed(Session s) {
        if (!s.state().terminal()) {
            return;
        }
        String caller = callerOf.remove(s.id());
        if (caller != null) {
            active.computeIfPresent(caller, (k, ids) -> {
                ids.remove(s.id());
                return ids.isEmpty() ? null : ids;
            });
        }
    }
}
