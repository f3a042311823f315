package org.sandgate.server;

import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a handler that blocks (JAX-RS, file downloads, event streams, anything that reads the
 * session store) on a thread of the server's pool, so that every handler in front of it can be
 * declared non-blocking. Jetty then reads, authenticates and answers the cheap requests ({@code
 * whoami}, {@code /health}, refusals) on the thread that decrypted them, without handing each one to
 * another thread; measured, that hand-off cost more CPU than the answer itself.
 */
final class BlockingHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(BlockingHandler.class);

    BlockingHandler(Handler blocking) {
        super(blocking);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            request.getComponents().getExecutor().execute(() -> {
                try {
                    if (!super.handle(request, response, callback)) {
                        Response.writeError(request, response, callback, 404);
                    }
                } catch (Throwable failure) {
                    Response.writeError(request, response, callback, failure);
                }
            });
        } catch (RejectedExecutionException busy) {
            LOG.warn("refused {} {}: no thread free to serve it", request.getMethod(), request.getHttpURI().getPath());
            Response.writeError(request, response, callback, 503);
        }
        return true;
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
