package org.sandgate.server.sandbox;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.api.RequestAuthenticator;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.api.SessionAccess;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.metrics.Metrics;

/**
 * Who may read {@code /sandbox/{id}/...}, in front of the handler that serves the files: the caller
 * comes from the {@link RequestAuthenticator} like on every route (a presented credential that is
 * not valid or banned is refused; no credential is an anonymous caller, so capability URLs open in a
 * browser), and the session from {@link SessionAccess}'s one rule. A session the caller may not read
 * is the same 404 as one that does not exist. Every request on HTTPS is audited with who, the
 * session, the path, the status and the bytes sent; on the plain-HTTP port, where no credential
 * can be presented, they are counted in the metrics.
 */
public final class SandboxAccessHandler extends Handler.Wrapper {
    private static final String PREFIX = "/sandbox/";

    private final RequestAuthenticator authenticator;
    private final SessionAccess access;
    private final AuditLog audit;
    private final Metrics metrics;

    public SandboxAccessHandler(RequestAuthenticator authenticator, SessionAccess access, AuditLog audit, Metrics metrics,
                                Handler files) {
        super(files);
        this.authenticator = authenticator;
        this.access = access;
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (raw == null || !raw.startsWith(PREFIX)) {
            return false;
        }
        RequestCaller caller;
        try {
            caller = authenticator.authenticateIfPresented(request);
        } catch (RequestAuthenticator.Refused refused) {
            refused.write(response, callback);
            return true;
        }
        String rest = raw.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        boolean audited = request.isSecure();
        Optional<Session> session = access.find(caller, id, SessionAccess.Action.FILES);
        if (session.isEmpty()) {
            if (audited && SessionId.parse(id).isPresent()) {
                audit.download(caller.auditFields(), id, path, "deny", 404, 0);
            }
            return false;
        }
        if (access.allows(caller, session.get(), SessionAccess.Action.STATUS)) {
            request.setAttribute(DirectoryListings.STATUS_VISIBLE, Boolean.TRUE);
        }
        AtomicLong sent = new AtomicLong();
        Response counting = new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback done) {
                if (content != null) {
                    sent.addAndGet(content.remaining());
                }
                super.write(last, content, done);
            }
        };
        Callback recorded = new Callback() {
            @Override
            public void succeeded() {
                record(caller, id, path, audited, response.getStatus(), sent.get());
                callback.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                record(caller, id, path, audited, response.getStatus(), sent.get());
                callback.failed(failure);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        return super.handle(request, counting, recorded);
    }

    private void record(RequestCaller caller, String id, String path, boolean audited, int status, long bytes) {
        if (audited) {
            audit.download(caller.auditFields(), id, path, "allow", status, bytes);
        } else {
            metrics.plainDownload(bytes);
        }
    }
}
