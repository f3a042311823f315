package org.sandgate.server.api;

import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.sandgate.server.config.SandgateConfig;
import java.time.Duration;
import org.sandgate.server.admin.Bans;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.admin.Reloader;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.authz.AuthzCallout;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.tokens.TokenService;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ImmediateCalls;
import org.sandgate.server.admission.Admission;
import org.sandgate.server.sessions.SessionManager;
import org.sandgate.server.sessions.SessionQuota;
import org.sandgate.sandbox.Sandboxes;

/**
 * The JAX-RS application under {@code /api}: every resource, filter and mapper registered explicitly
 * (no package scanning: plugins live in other class loaders).
 */
public final class ApiApplication {
    private ApiApplication() {
    }

    /** What the resources work with. */
    public record Components(SandgateConfig config, Policies policies, Deployer services, SessionManager sessions,
                             Sandboxes sandboxes, TokenService tokens, AuthzCallout callout, AuditLog audit, Bans bans,
                             Drain drain, Reloader reloader, SessionAccess access, SessionQuota quota,
                             ImmediateCalls immediate) {
    }

    /**
     * Builds the application.
     *
     * @param extra further resources or providers, registered after the built-in ones
     */
    public static ResourceConfig create(Components c, Object... extra) {
        ResourceConfig rc = new ResourceConfig();
        rc.register(new JsonBodyWriter());
        rc.register(new ErrorMapper());
        rc.register(new ContentLengthInterceptor());
        Admission admission = new Admission(c.policies(), c.callout(), c.audit(), c.drain(), c.quota(), c.sessions());
        rc.register(new ServicesResource(c.services(), c.policies(), admission, c.immediate(),
                c.config().services().immediateTimeout()));
        rc.register(new CostPreviewResource(c.services(), c.policies(), admission));
        rc.register(new AdminServicesResource(c.services(), c.policies(), c.audit()));
        SessionViews views = new SessionViews(c.sandboxes());
        rc.register(new SessionsResource(c.sessions(), views, c.access()));
        rc.register(new TokensResource(c.tokens(), c.audit()));
        rc.register(new AdminTokensResource(c.tokens(), c.policies(), c.audit()));
        rc.register(new AdminResource(c.policies(), c.reloader(), c.bans(), c.drain(), c.sessions(), views, c.audit()));
        for (Object component : extra) {
            rc.register(component);
        }
        rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        rc.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        rc.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        rc.property(ServerProperties.BV_FEATURE_DISABLE, true);
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        rc.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        return rc;
    }
}
