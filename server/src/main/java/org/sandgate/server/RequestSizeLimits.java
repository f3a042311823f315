package org.sandgate.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Request body limits by path: uploads of services (below {@code uploadPrefix}) may be as large as
 * {@code uploadLimit}, every other request only {@code limit}. Each limit is Jetty's own
 * {@link SizeLimitHandler}; both hand the request on to this wrapper's one handler.
 */
final class RequestSizeLimits extends Handler.Wrapper {
    private final String uploadPrefix;
    private final SizeLimitHandler small;
    private final SizeLimitHandler large;

    RequestSizeLimits(long limit, String uploadPrefix, long uploadLimit, Handler next) {
        super(next);
        this.uploadPrefix = uploadPrefix;
        this.small = new SizeLimitHandler(limit, -1);
        this.large = new SizeLimitHandler(uploadLimit, -1);
        small.setHandler(new Onward());
        large.setHandler(new Onward());
        addBean(small, true);
        addBean(large, true);
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        small.setServer(server);
        large.setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getCanonicalPath();
        boolean upload = path != null && path.startsWith(uploadPrefix);
        return (upload ? large : small).handle(request, response, callback);
    }

    /** Hands a request that passed a limit to the wrapped handler. */
    private final class Onward extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            return RequestSizeLimits.this.getHandler().handle(request, response, callback);
        }

        @Override
        public InvocationType getInvocationType() {
            return RequestSizeLimits.this.getHandler().getInvocationType();
        }
    }
}
