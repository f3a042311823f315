package org.sandgate.server.sessions;

import java.time.Duration;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.server.lifecycle.PeriodicWork;

/**
 * The retention sweep: every interval, finished sessions older than the retention period are
 * removed with their sandboxes.
 */
public final class RetentionSweeper extends AbstractLifeCycle {
    private final SessionManager sessions;
    private final Duration retention;
    private final Duration interval;
    private final PeriodicWork work;
    private PeriodicWork.Task task;

    public RetentionSweeper(SessionManager sessions, Duration retention, Duration interval, PeriodicWork work) {
        this.sessions = sessions;
        this.retention = retention;
        this.interval = interval;
        this.work = work;
    }

    @Override
    protected void doStart() {
        task = work.every("the retention sweep", interval, () -> sessions.sweep(retention));
    }

    @Override
    protected void doStop() throws InterruptedException {
        task.stop();
    }
}
