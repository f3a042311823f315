package org.sandgate.server.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.admin.Bans;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.Untrusted;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.tokens.TokenException;
import org.sandgate.server.tokens.TokenService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every request that reaches the handlers behind it — from an
 * {@code Authorization: Bearer} token when there is one, else from the TLS client certificate of its
 * connection — refuses banned DNs, and maps the caller to its accounts. The {@link RequestCaller}
 * becomes the request's authentication state; a refused credential is answered here, in the API's
 * JSON error shape (a refused token with a {@code WWW-Authenticate} header), and audited.
 */
public final class AuthenticationHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationHandler.class);
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final CertificateAuthenticator authenticator;
    private final TokenService tokens;
    private final Policies policies;
    private final Bans bans;
    private final AuditLog audit;

    public AuthenticationHandler(CertificateAuthenticator authenticator, TokenService tokens, Policies policies, Bans bans,
                                 AuditLog audit, Handler next) {
        super(next);
        this.authenticator = authenticator;
        this.tokens = tokens;
        this.policies = policies;
        this.bans = bans;
        this.audit = audit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        InetAddress client = clientAddress(request);
        String address = client == null ? null : client.getHostAddress();
        String what = request.getMethod() + " " + request.getHttpURI().getPath();
        Identity identity;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                identity = tokens.verify(authorization.substring(7).strip());
            } catch (TokenException e) {
                LOG.info("refused a bearer token from {}: {}", address, e.getMessage());
                audit.decision(anonymousAt(address, "token"), what, null, "deny", "invalid_token: " + e.getMessage(), null);
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\", error_description=\""
                        + e.getMessage().replaceAll("[\"\\\\\\p{Cntrl}]", "'") + "\"");
                ErrorMapper.write(response, callback, new ApiException(401, "invalid_token", e.getMessage()));
                return true;
            }
        } else {
            X509Certificate[] chain = peerCertificates(request);
            try {
                identity = authenticator.authenticate(chain, client);
            } catch (ApiException refused) {
                Map<String, Object> who = anonymousAt(address, "certificate");
                if (chain.length > 0) {
                    who.put("claimed_dn", Untrusted.subject(chain[0]));
                }
                audit.decision(who, what, null, "deny", refused.code() + ": " + refused.getMessage(), null);
                ErrorMapper.write(response, callback, refused);
                return true;
            }
        }
        RequestCaller caller = new RequestCaller(identity, policies.current().accounts().accountsFor(identity), address);
        if (identity.dn().isPresent() && bans.isBanned(identity.dn().get())) {
            LOG.warn("refused {} from {}: the DN is banned", identity.dn().get(), address);
            audit.decision(caller.auditFields(), what, null, "deny", "banned", null);
            ErrorMapper.write(response, callback, new ApiException(403, "not_authorized", "this DN is banned on this server"));
            return true;
        }
        AuthenticationState.setAuthenticationState(request, new CallerAuthentication(caller));
        return super.handle(request, response, callback);
    }

    private static Map<String, Object> anonymousAt(String address, String credential) {
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("dn", null);
        who.put("tier", null);
        who.put("account", null);
        who.put("addr", address);
        who.put("credential", credential);
        return who;
    }

    private static X509Certificate[] peerCertificates(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null) {
            return ssl.peerCertificates();
        }
        return NONE;
    }

    private static InetAddress clientAddress(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
