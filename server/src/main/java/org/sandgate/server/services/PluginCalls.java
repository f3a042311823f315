package org.sandgate.server.services;

import java.util.Map;
import java.util.UUID;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running plugin code: with the plugin's class loader as context loader, any failure a 500 service_error. */
public final class PluginCalls {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCalls.class);

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

    /** A 500 service_error whose details are only in the log, under a correlation id. */
    public static Refusal serviceError(String what, Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.warn("service error {} in {}", id, what, e);
        return new Refusal(ErrorCode.SERVICE_ERROR, "the service failed; quote " + id + " to the administrator",
                Map.of("correlation_id", id));
    }
}
