package org.sandgate.server;

import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's path mappings as the server's router: a path goes to the handler of its longest matching
 * prefix, no match is a 404 from the error handler. Two choices differ from
 * {@link PathMappingsHandler.NoContext}, which is otherwise the same: the mappings are fixed once
 * the server starts, so the router is as non-blocking as its handlers (a dynamic container counts
 * as blocking, which would move every request to another thread); and a request whose path has no
 * canonical form matches nothing. Like {@code NoContext}, the request is passed on unwrapped: a
 * context path would be added to the resource path a second time by Jersey's Jetty container.
 */
final class Routes extends PathMappingsHandler {

    Routes() {
        super(false);
    }

    /** Routes {@code prefix} itself and every path below {@code prefix + "/"}. */
    Routes below(String prefix, Handler handler) {
        addMapping(PathSpec.from(prefix + "/*"), handler);
        return this;
    }

    /** Routes exactly {@code /}. */
    Routes root(Handler handler) {
        addMapping(PathSpec.from(""), handler);
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return request.getHttpURI().getCanonicalPath() != null && super.handle(request, response, callback);
    }

    @Override
    protected Request newPathSpecRequest(Request request, PathSpec pathSpec) {
        return request;
    }
}
