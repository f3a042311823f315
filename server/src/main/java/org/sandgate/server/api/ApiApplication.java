package org.sandgate.server.api;

import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.policy.AccountPolicy;

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
    public static ResourceConfig create(SandgateConfig config, CertificateAuthenticator authenticator,
                                        AccountPolicy accounts, Object... extra) {
        ResourceConfig rc = new ResourceConfig();
        rc.register(JacksonFeature.withoutExceptionMappers());
        rc.register(new JsonMapping());
        rc.register(new ErrorMapper());
        rc.register(new AuthenticationFilter(authenticator, accounts));
        rc.register(new WhoamiResource(config.tiers().limits()));
        for (Object component : extra) {
            rc.register(component);
        }
        rc.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        rc.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        rc.property(ServerProperties.LOCATION_HEADER_RELATIVE_URI_RESOLUTION_DISABLED, true);
        return rc;
    }
}
