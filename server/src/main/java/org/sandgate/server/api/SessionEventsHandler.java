package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.admission.Admission;
import org.sandgate.server.sessions.SessionEvents;
import org.sandgate.server.sessions.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/sessions/{id}/events}: Server-Sent Events, one {@code state} event with the
 * current state at once and one per change after it, until the session reaches a final state. A
 * comment line every 15 s keeps proxies from closing the stream and finds clients that left.
 *
 * <p>A stream holds no thread: events are written with Jetty's asynchronous {@link Response#write}
 * as session changes arrive, heartbeats run on the server's {@link Scheduler}, and only the opening
 * look-up (which reads the session store) borrows a pool thread for a moment. Each caller may hold
 * {@code limits.event_streams} streams of its tier at once (anonymous callers counted by address);
 * one more is {@code 429 too_many_streams}.
 */
public final class SessionEventsHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(SessionEventsHandler.class);
    private static final Pattern PATH = Pattern.compile("/api/v1/sessions/([^/]+)/events");
    private static final long HEARTBEAT_SECONDS = 15;
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final SessionManager sessions;
    private final SessionAccess access;
    private final Policies policies;
    private final CallerSlots open = new CallerSlots();
    private final Map<SessionId, Set<Stream>> following = new ConcurrentHashMap<>();

    public SessionEventsHandler(SessionManager sessions, SessionEvents events, SessionAccess access, Policies policies,
                                Handler next) {
        super(next);
        this.sessions = sessions;
        this.access = access;
        this.policies = policies;
        events.subscribe(this::changed);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Matcher m = PATH.matcher(request.getHttpURI().getPath());
        if (!m.matches() || !HttpMethod.GET.is(request.getMethod())) {
            return super.handle(request, response, callback);
        }
        RequestCaller caller = (RequestCaller) AuthenticationState.getUserPrincipal(request);
        try {
            request.getComponents().getExecutor().execute(() -> open(m.group(1), caller, request, response, callback));
        } catch (RejectedExecutionException busy) {
            ErrorMapper.write(response, callback, new Refusal(ErrorCode.BUSY, "the server is too busy to open a stream"));
        }
        return true;
    }

    /** Non-blocking: the store is read on a pool thread, everything after it on callbacks. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** The open streams of every caller (for tests and metrics). */
    public int openStreams() {
        return open.total();
    }

    private void open(String id, RequestCaller caller, Request request, Response response, Callback callback) {
        Session current;
        try {
            current = access.require(caller, id, SessionAccess.Action.EVENTS);
        } catch (Refusal e) {
            ErrorMapper.write(response, callback, e);
            return;
        } catch (RuntimeException e) {
            Response.writeError(request, response, callback, e);
            return;
        }
        String who = Admission.callerKey(caller);
        int limit = policies.current().config().limits().eventStreams().of(caller.identity().tier());
        if (!open.tryAcquire(who, limit)) {
            LOG.info("refused an event stream to {}: {} open already", who, limit);
            ErrorMapper.write(response, callback, new Refusal(ErrorCode.TOO_MANY_STREAMS,
                    "at most " + limit + " event streams may be open at once for a " + caller.identity().tier().wireName()
                            + " caller (limits.event_streams)", Map.of("limit", limit)));
            return;
        }
        Stream stream = new Stream(current.id(), who, response, callback,
                request.getComponents().getScheduler());
        following.computeIfAbsent(current.id(), k -> ConcurrentHashMap.newKeySet()).add(stream);
        request.addFailureListener(stream::abort);
        // read again after subscribing, so that no change between the two reads is lost
        Session now = sessions.find(current.id()).orElse(current);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        stream.offer(now);
        stream.heartbeatLater();
    }

    private void changed(Session s) {
        Set<Stream> streams = following.get(s.id());
        if (streams != null) {
            for (Stream stream : streams) {
                stream.offer(s);
            }
        }
    }

    private static ByteBuffer event(int n, Session s) {
        Map<String, Object> data = SessionViews.event(s);
        String json;
        try {
            json = JsonMapping.mapper().writeValueAsString(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return ByteBuffer.wrap(("id: " + n + "\nevent: state\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** What one stream still has to write: a chunk, and whether it is the last. */
    private record Out(ByteBuffer bytes, boolean last) {
    }

    /**
     * One open stream: chunks are queued by whoever produces them (session changes, the heartbeat)
     * and written one at a time, the next when the previous write completes.
     */
    private final class Stream extends IteratingCallback {
        private final SessionId id;
        private final String who;
        private final Response response;
        private final Callback done;
        private final Scheduler scheduler;
        private final Queue<Out> pending = new ConcurrentLinkedQueue<>();
        private Session last;
        private int events;
        private boolean ended;
        private boolean lastWritten;
        private volatile Scheduler.Task heartbeat;

        Stream(SessionId id, String who, Response response, Callback done, Scheduler scheduler) {
            this.id = id;
            this.who = who;
            this.response = response;
            this.done = done;
            this.scheduler = scheduler;
        }

        /** Queues an event for a state not sent yet; the final state ends the stream. */
        void offer(Session s) {
            synchronized (this) {
                if (ended || last != null && s.state() == last.state() && s.updated().equals(last.updated())) {
                    return;
                }
                last = s;
                ended = s.state().terminal();
                pending.add(new Out(event(++events, s), ended));
            }
            iterate();
        }

        void heartbeatLater() {
            heartbeat = scheduler.schedule(this::beat, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
        }

        private void beat() {
            synchronized (this) {
                if (ended) {
                    return;
                }
                pending.add(new Out(ByteBuffer.wrap(HEARTBEAT), false));
            }
            iterate();
            heartbeatLater();
        }

        @Override
        protected Action process() {
            if (lastWritten) {
                return Action.SUCCEEDED;
            }
            Out next = pending.poll();
            if (next == null) {
                return Action.IDLE;
            }
            lastWritten = next.last();
            response.write(next.last(), next.bytes(), this);
            return Action.SCHEDULED;
        }

        @Override
        protected void onCompleteSuccess() {
            done.succeeded();
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            done.failed(cause);
        }

        @Override
        protected void onCompleted(Throwable causeOrNull) {
            release();
            super.onCompleted(causeOrNull);
        }

        private void release() {
            synchronized (this) {
                ended = true;
            }
            Scheduler.Task task = heartbeat;
            if (task != null) {
                task.cancel();
            }
            following.computeIfPresent(id, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
            open.release(who);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
