package org.sandgate.server.api;

import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.policy.Roles;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.sessions.SessionManager;
import org.sandgate.sandbox.Sandboxes;

/**
 * The JAX-RS application under {@code /api}: every resource, filter and mapper registered explicitly
 * (no package scanning: plugins live in other class loaders).
 */
public final class ApiApplication {
    private ApiApplication() {
    }

    /**
     * Builds the application.
     *
     * @param extra further resources or providers, registered after the built-in ones
     */
    public static ResourceConfig create(SandgateConfig config, Deployer services, SessionManager sessions,
                                        Sandboxes sandboxes, Object... extra) {
        Roles roles = new Roles(config.developers(), config.admins());
        ResourceConfig rc = new ResourceConfig();
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(new JsonMapping());
        rc.register(new ErrorMapper());
        rc.register(new ContentLengthInterceptor());
        rc.register(new WhoamiResource(config.tiers().limits()));
        rc.register(new ServicesResource(services, config, sessions, roles));
        rc.register(new AdminServicesResource(services, roles));
        rc.register(new SessionsResource(sessions, sandboxes));
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
