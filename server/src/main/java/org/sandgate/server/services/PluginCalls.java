package org.sandgate.server.services;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running plugin code: with the plugin's class loader as context loader, any failure a 500 service_error. */
public final class PluginCalls {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCalls.class);
    private static final ThreadPoolExecutor IMMEDIATE = new ThreadPoolExecutor(0, 64, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "service-call");
                t.setDaemon(true);
                return t;
            });

    private PluginCalls() {
    }

    /** Plugin code that returns a value. */
    @FunctionalInterface
    public interface PluginCode<T> {
        T run() throws Exception;
    }

    /** Runs plugin code; {@code what} names it in the log. */
    public static <T> T run(DeployedService service, PluginCode<T> code, String what) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(service.loader());
        try {
            return code.run();
        } catch (Refusal e) {
            throw e;
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw serviceError(what, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Runs an immediate method's code on a thread of its own, cutting it off after {@code limit}
     * ({@code 504 service_timeout}; the thread is interrupted). At most 64 run at once.
     */
    public static <T> T runWithin(DeployedService service, PluginCode<T> code, String what, Duration limit) {
        Future<T> future;
        try {
            future = IMMEDIATE.submit(() -> run(service, code, what));
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
            throw serviceError(what, e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Refusal(ErrorCode.UNAVAILABLE, "the server is stopping");
        }
    }

    /** A 500 service_error whose details are only in the log, under a correlation id. */
    public static Refusal serviceError(String what, Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.warn("service error {} in {}", id, what, e);
        return new Refusal(ErrorCode.SERVICE_ERROR, "the service failed; quote " + id + " to the administrator",
                Map.of("correlation_id", id));
    }
}
