package org.sandgate.server.sandbox;

import java.util.Optional;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code GET /sandbox/{id}/[path]}: a session's files, on the HTTPS and the plain-HTTP port. Who may
 * read a session's sandbox is decided in front of this handler ({@link SandboxAccessHandler});
 * {@link SandboxFiles} answers the path. Anything that is not a file or directory inside the sandbox
 * — {@code ..} in any encoding, a backslash, a NUL, a symbolic link anywhere on the path, a FIFO or
 * device, an unknown or ill-formed id — is the same 404.
 */
public final class SandboxHandler extends Handler.Abstract {
    private static final String PREFIX = "/sandbox/";

    private final SessionManager sessions;
    private final SandboxFiles files;

    public SandboxHandler(SessionManager sessions, SandboxFiles files) {
        this.sessions = sessions;
        this.files = files;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (raw == null || !raw.startsWith(PREFIX)) {
            return false;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        String rest = raw.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        Optional<SessionId> id = SessionId.parse(slash < 0 ? rest : rest.substring(0, slash));
        Optional<Session> session = id.flatMap(sessions::find);
        if (session.isEmpty()) {
            return false;
        }
        return files.serve(request, response, callback, session.get(), raw, slash < 0 ? "" : rest.substring(slash + 1));
    }
}
