package org.sandgate.server.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.policy.AccountPolicy;

/**
 * Authenticates every request that reaches the handlers behind it, from the TLS client certificate
 * of its connection, and maps it to its accounts. The {@link RequestCaller} becomes the request's
 * authentication state; a refused credential is answered here, in the API's JSON error shape.
 */
public final class AuthenticationHandler extends Handler.Wrapper {
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final CertificateAuthenticator authenticator;
    private final AccountPolicy accounts;

    public AuthenticationHandler(CertificateAuthenticator authenticator, AccountPolicy accounts, Handler next) {
        super(next);
        this.authenticator = authenticator;
        this.accounts = accounts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestCaller caller;
        try {
            Identity identity = authenticator.authenticate(peerCertificates(request), clientAddress(request));
            caller = new RequestCaller(identity, accounts.accountsFor(identity));
        } catch (ApiException refused) {
            ErrorMapper.write(response, callback, refused);
            return true;
        }
        AuthenticationState.setAuthenticationState(request, new CallerAuthentication(caller));
        return super.handle(request, response, callback);
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
