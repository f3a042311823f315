package org.sandgate.server.metrics;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;

/** Counts every answered request by its status, whatever handler (or error handler) answered it. */
public final class RequestCounter extends EventsHandler {
    private final Metrics metrics;

    public RequestCounter(Metrics metrics, Handler next) {
        super(next);
        this.metrics = metrics;
    }

    @Override
    protected void onComplete(Request request, int status, HttpFields headers, Throwable failure) {
        metrics.request(status);
    }
}
