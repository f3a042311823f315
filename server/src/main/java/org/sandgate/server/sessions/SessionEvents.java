package org.sandgate.server.sessions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.sandgate.sandbox.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one fan-out of session changes: every state change, once it is stored, goes to each
 * subscriber (metrics, the audit log, the per-caller quota, event streams). A subscriber that
 * throws is logged and does not keep the others from hearing of the change.
 */
public final class SessionEvents {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEvents.class);

    private final List<Consumer<Session>> subscribers = new CopyOnWriteArrayList<>();

    /** Called with every session whose state changed, after the change is stored. */
    public void subscribe(Consumer<Session> subscriber) {
        subscribers.add(subscriber);
    }

    /** Stops calling a subscriber. */
    public void unsubscribe(Consumer<Session> subscriber) {
        subscribers.remove(subscriber);
    }

    /** Tells every subscriber of a stored change. */
    void announce(Session s) {
        for (Consumer<Session> subscriber : subscribers) {
            try {
                subscriber.accept(s);
            } catch (RuntimeException e) {
                LOG.debug("session subscriber failed", e);
            }
        }
    }
}
