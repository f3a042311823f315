package org.sandgate.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Dispatches a request by the start of its path to one handler, without wrapping the request
 * (Jetty's own path-mapping handler turns the matched prefix into a context path, which Jersey's
 * Jetty container then adds to the path a second time). No match: 404 from the error handler.
 */
final class Routes extends Handler.AbstractContainer {
    private final Map<String, Handler> byPrefix = new LinkedHashMap<>();

    /** Routes paths equal to {@code path} or below {@code path + "/"}. */
    Routes add(String path, Handler handler) {
        byPrefix.put(path, handler);
        addBean(handler, true);
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getCanonicalPath();
        if (path == null) {
            return false;
        }
        for (Map.Entry<String, Handler> route : byPrefix.entrySet()) {
            String prefix = route.getKey();
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return route.getValue().handle(request, response, callback);
            }
        }
        return false;
    }

    /** Non-blocking when every route is: the routes are fixed once the server starts. */
    @Override
    public InvocationType getInvocationType() {
        InvocationType type = InvocationType.NON_BLOCKING;
        for (Handler handler : byPrefix.values()) {
            type = org.eclipse.jetty.util.thread.Invocable.combine(type, handler.getInvocationType());
        }
        return type;
    }

    @Override
    public java.util.List<Handler> getHandlers() {
        return java.util.List.copyOf(byPrefix.values());
    }
}
