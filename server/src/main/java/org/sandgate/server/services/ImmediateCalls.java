package org.sandgate.server.services;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads immediate methods run on, so that one that does not answer in time can be cut off;
 * a component of the server's life cycle, whose threads end when the server stops.
 */
public final class ImmediateCalls extends AbstractLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(ImmediateCalls.class);
    private static final int AT_ONCE = 64;

    private ThreadPoolExecutor threads;

    @Override
    protected void doStart() {
        threads = new ThreadPoolExecutor(0, AT_ONCE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "service-call");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    protected void doStop() throws InterruptedException {
        threads.shutdownNow();
        if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("service calls still running 5 s after they were interrupted");
        }
    }

    /**
     * Runs an immediate method's code on a thread of its own, cutting it off after {@code limit}
     * ({@code 504 service_timeout}; the thread is interrupted). At most 64 run at once.
     */
    public <T> T runWithin(DeployedService service, PluginCalls.PluginCode<T> code, String what, Duration limit) {
        Future<T> future;
        try {
            future = threads.submit(() -> PluginCalls.run(service, code, what));
        } catch (RejectedExecutionException e) {
            throw new Refusal(ErrorCode.BUSY, "too many service calls run at once; try again");
        }
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            LOG.warn("{} cut off after {} s", what, limit.toSeconds());
            throw new Refusal(ErrorCode.SERVICE_TIMEOUT, what + " did not answer within " + limit.toSeconds() + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refusal api) {
                throw api;
            }
            throw PluginCalls.serviceError(what, e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Refusal(ErrorCode.UNAVAILABLE, "the server is stopping");
        }
    }
}
