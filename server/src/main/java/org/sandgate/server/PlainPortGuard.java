package org.sandgate.server;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets requests that arrive on the plain-HTTP port reach only {@code /sandbox/} downloads; everything
 * else there is answered 404, as if it did not exist.
 */
final class PlainPortGuard extends Handler.Wrapper {
    static final String SANDBOX_PREFIX = "/sandbox/";
    private final Connector plain;

    PlainPortGuard(Connector plain, Handler next) {
        super(next);
        this.plain = plain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (plain != null && request.getConnectionMetaData().getConnector() == plain
                && !Request.getPathInContext(request).startsWith(SANDBOX_PREFIX)) {
            return false;
        }
        return super.handle(request, response, callback);
    }
}
