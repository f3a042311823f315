package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import javax.security.auth.Subject;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The outcome of authentication as Jetty's authentication state of the request, so that every
 * handler behind it, and JAX-RS resources through their {@code SecurityContext}, see the caller.
 */
record CallerAuthentication(RequestCaller caller) implements AuthenticationState.Succeeded {

    @Override
    public String getAuthenticationType() {
        return caller.identity().certificate().isPresent() ? "CLIENT_CERT" : "ANONYMOUS";
    }

    @Override
    public UserIdentity getUserIdentity() {
        return UserIdentity.from(new Subject(), caller);
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public void logout(Request request, Response response) {
        // certificate authentication has no session to end
    }
}
