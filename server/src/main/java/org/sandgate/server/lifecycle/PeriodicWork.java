package org.sandgate.server.lifecycle;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one scheduler for periodic work (the grid-mapfile poll, the deploy directory's scan,
 * the job follower, the retention sweep). Each task runs with a fixed delay after its previous run, never two runs of one
 * task at once, and a failing run is logged and tried again at the next interval. There is a thread
 * for each task, so that a slow one (a batch system that takes its time to answer) never delays the
 * others. Components add their task when they start and {@link Task#stop() stop} it when they stop;
 * this scheduler starts before them and stops after them.
 */
public final class PeriodicWork extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicWork.class);

    private final AtomicInteger tasks = new AtomicInteger();
    private ScheduledThreadPoolExecutor executor;

    @Override
    protected void doStart() {
        AtomicInteger n = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "periodic-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    protected void doStop() throws InterruptedException {
        executor.shutdownNow();
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("periodic work still running 5 s after it was asked to stop");
        }
    }

    /**
     * Runs {@code work} now and then every {@code interval} after the previous run ended.
     *
     * @param name names the task in the log
     * @throws IllegalStateException when this scheduler is not running
     */
    public Task every(String name, Duration interval, Runnable work) {
        return schedule(name, Duration.ZERO, interval, work);
    }

    /** As {@link #every}, with the first run after one interval. */
    public Task everyAfterFirstInterval(String name, Duration interval, Runnable work) {
        return schedule(name, interval, interval, work);
    }

    private Task schedule(String name, Duration first, Duration interval, Runnable work) {
        if (!isStarted() && !isStarting()) {
            throw new IllegalStateException("periodic work is not running: cannot schedule " + name);
        }
        // two threads a task: its periodic run, and one run asked for at once (which waits for the other)
        executor.setCorePoolSize(2 * tasks.incrementAndGet());
        Task task = new Task(name, work);
        task.future = executor.scheduleWithFixedDelay(() -> task.runSafely(false), first.toMillis(),
                Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
        return task;
    }

    /** One periodic task. */
    public final class Task {
        private final String name;
        private final Runnable work;
        private final ReentrantLock running = new ReentrantLock();
        private final AtomicBoolean soon = new AtomicBoolean();
        private final AtomicBoolean later = new AtomicBoolean();
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> future;

        private Task(String name, Runnable work) {
            this.name = name;
            this.work = work;
        }

        private void runSafely(boolean asked) {
            running.lock();
            try {
                if (asked) {
                    soon.set(false);       // asks from now on are another run
                }
                if (!stopped) {
                    work.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("{} failed (will retry): {}", name, e.toString());
            } finally {
                running.unlock();
            }
        }

        /**
         * Runs the task once more at once, or after the run in progress; asks made before that run
         * starts are one run.
         */
        public void runSoon() {
            if (stopped || !soon.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(() -> runSafely(true));
            } catch (RejectedExecutionException stopping) {
                soon.set(false);       // the server is stopping
            }
        }

        /**
         * Runs the task once more after {@code delay} (or after the run in progress then); asks made
         * before that run starts are one run.
         */
        public void runAfter(Duration delay) {
            if (stopped || !later.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.schedule(() -> {
                    running.lock();
                    try {
                        later.set(false);
                    } finally {
                        running.unlock();
                    }
                    runSafely(false);
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                later.set(false);       // the server is stopping
            }
        }

        /** Stops the task, waiting up to 5 s for a run in progress to end (it is interrupted). */
        public void stop() throws InterruptedException {
            stopped = true;
            future.cancel(true);
            if (running.tryLock(5, TimeUnit.SECONDS)) {
                running.unlock();
            } else {
                LOG.warn("{} still running 5 s after it was asked to stop", name);
            }
            tasks.decrementAndGet();
        }
    }
}
