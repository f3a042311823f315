package org.sandgate.server.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.sandgate.sandbox.Session;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code GET /api/v1/sessions/{id}/events}: Server-Sent Events, one {@code state} event with the
 * current state at once and one per change after it, until the session reaches a final state. A
 * comment line every 15 s keeps proxies from closing the stream and finds clients that left.
 * Served by a Jetty handler behind authentication rather than by JAX-RS, so a long-lived stream
 * holds a thread of its own and nothing of the request scope.
 */
public final class SessionEventsHandler extends Handler.Wrapper {
    private static final Pattern PATH = Pattern.compile("/api/v1/sessions/([^/]+)/events");
    private static final long HEARTBEAT_SECONDS = 15;

    private final SessionManager sessions;

    public SessionEventsHandler(SessionManager sessions, Handler next) {
        super(next);
        this.sessions = sessions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Matcher m = PATH.matcher(request.getHttpURI().getPath());
        if (!m.matches() || !"GET".equals(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        RequestCaller caller = (RequestCaller) AuthenticationState.getUserPrincipal(request);
        Session current;
        try {
            current = SessionsResource.visible(sessions, m.group(1), caller, false);
        } catch (ApiException e) {
            ErrorMapper.write(response, callback, e);
            return true;
        }
        BlockingQueue<Session> changes = new LinkedBlockingQueue<>();
        String id = current.id().value();
        Consumer<Session> listener = s -> {
            if (s.id().value().equals(id)) {
                changes.add(s);
            }
        };
        sessions.addListener(listener);
        try {
            current = sessions.find(current.id()).orElse(current);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            int n = 0;
            write(response, event(++n, current), false);
            while (!current.state().terminal()) {
                Session next = changes.poll(HEARTBEAT_SECONDS, TimeUnit.SECONDS);
                if (next == null) {
                    write(response, ": keep-alive\n\n", false);
                } else if (next.state() != current.state() || !next.updated().equals(current.updated())) {
                    current = next;
                    write(response, event(++n, current), false);
                }
            }
            response.write(true, ByteBuffer.allocate(0), callback);
        } catch (Exception e) {
            callback.failed(e);
        } finally {
            sessions.removeListener(listener);
        }
        return true;
    }

    private static void write(Response response, String text, boolean last) throws Exception {
        try (Blocker.Callback done = Blocker.callback()) {
            response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), done);
            done.block();
        }
    }

    private static String event(int n, Session s) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("session", s.id().value());
        data.put("state", s.state().name());
        data.put("exit_code", s.exitCode().orElse(null));
        data.put("message", s.message().orElse(null));
        data.put("updated", s.updated().toString());
        return "id: " + n + "\nevent: state\ndata: " + JsonMapping.mapper().writeValueAsString(data) + "\n\n";
    }
}
