package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Authenticates every request to the API with the {@link RequestAuthenticator}: the
 * {@link RequestCaller} becomes the request's authentication state, so that every handler behind
 * it, and JAX-RS resources through their {@code SecurityContext}, see the caller; a refused
 * credential is answered here.
 */
public final class AuthenticationHandler extends Handler.Wrapper {
    private final RequestAuthenticator authenticator;

    public AuthenticationHandler(RequestAuthenticator authenticator, Handler next) {
        super(next);
        this.authenticator = authenticator;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestCaller caller;
        try {
            caller = authenticator.authenticate(request);
        } catch (RequestAuthenticator.Refused refused) {
            refused.write(response, callback);
            return true;
        }
        AuthenticationState.setAuthenticationState(request, new CallerAuthentication(caller));
        return super.handle(request, response, callback);
    }
}
