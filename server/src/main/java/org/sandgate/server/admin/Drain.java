package org.sandgate.server.admin;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drain mode: while it is on, no new session is made (calls to job methods get {@code 503
 * draining}), running jobs go on to their end, and {@code /health} says {@code draining}, so that a
 * load balancer stops sending work before the server is taken down.
 */
public final class Drain {
    private final AtomicBoolean on = new AtomicBoolean();

    public boolean isOn() {
        return on.get();
    }

    public void set(boolean draining) {
        on.set(draining);
    }
}
