package org.sandgate.server.api;

import jakarta.ws.rs.core.SecurityContext;
import org.sandgate.server.identity.RequestCaller;

/** The caller as JAX-RS resources see it. */
public final class Callers {
    private Callers() {
    }

    /** The caller of a request that passed the {@link AuthenticationHandler}. */
    public static RequestCaller of(SecurityContext context) {
        return (RequestCaller) context.getUserPrincipal();
    }
}
