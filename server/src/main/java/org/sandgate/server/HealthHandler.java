package org.sandgate.server;

import java.nio.ByteBuffer;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.api.JsonMapping;

/**
 * {@code GET /health}: unauthenticated liveness; answers once every component has started, with
 * {@code draining} instead of {@code ok} in drain mode (still 200: the server is alive), and the
 * build's version.
 */
final class HealthHandler extends Handler.Abstract.NonBlocking {
    private static final byte[] OK = status("ok");
    private static final byte[] DRAINING = status("draining");

    private final Drain drain;

    HealthHandler(Drain drain) {
        this.drain = drain;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!"/health".equals(request.getHttpURI().getCanonicalPath())) {
            return false;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, HttpMethod.HEAD.is(method) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(drain.isOn() ? DRAINING : OK), callback);
        return true;
    }

    private static byte[] status(String status) {
        try {
            return JsonMapping.answer(Map.of("status", status, "version", BuildVersion.describe()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
