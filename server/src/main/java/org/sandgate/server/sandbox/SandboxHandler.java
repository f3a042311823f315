package org.sandgate.server.sandbox;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.api.ApiException;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code GET /sandbox/{id}/[path]}: a session's files, on the HTTPS and the plain-HTTP port. This
 * handler decides who may read a session's sandbox; {@link SandboxFiles} answers the path. Anything
 * that is not a file or directory inside the sandbox — {@code ..} in any encoding, a backslash, a
 * NUL, a symbolic link anywhere on the path, a FIFO or device, an unknown or ill-formed id, another
 * owner's session when sandboxes are not public — is the same 404.
 */
public final class SandboxHandler extends Handler.Abstract {
    private static final String PREFIX = "/sandbox/";

    private final SessionManager sessions;
    private final boolean publicUrls;
    private final CertificateAuthenticator authenticator;
    private final SandboxFiles files;

    public SandboxHandler(SessionManager sessions, boolean publicUrls, CertificateAuthenticator authenticator,
                          SandboxFiles files) {
        this.sessions = sessions;
        this.publicUrls = publicUrls;
        this.authenticator = authenticator;
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
        if (session.isEmpty() || !mayRead(request, session.get())) {
            return false;
        }
        return files.serve(request, response, callback, session.get(), raw, slash < 0 ? "" : rest.substring(slash + 1));
    }

    private boolean mayRead(Request request, Session session) {
        if (publicUrls || session.owner().equals(SessionManager.ANONYMOUS)) {
            return true;
        }
        X509Certificate[] chain = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null ? ssl.peerCertificates() : new X509Certificate[0];
        if (chain.length == 0) {
            return false;
        }
        try {
            InetAddress client = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                    ? a.getAddress() : null;
            Identity identity = authenticator.authenticate(chain, client);
            return identity.dn().map(session.owner()::equals).orElse(false);
        } catch (ApiException refused) {
            return false;
        }
    }
}
