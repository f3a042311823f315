package org.sandgate.server.api;

/** Path prefixes of the REST API. */
public final class ApiPaths {
    /** Version 1 of the API: {@code /api/v1}. */
    public static final String V1 = "api/v1";

    private ApiPaths() {
    }
}
