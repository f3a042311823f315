package org.sandgate.server.api;

import java.util.Map;

/**
 * An error a client caused or must be told about: its HTTP status, the stable {@code error} code of
 * the JSON body, a message for humans and optional extra fields. The one place that turns these into
 * responses is {@link ErrorMapper}.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The {@code error} code of the JSON body. */
    public String code() {
        return code;
    }

    /** Extra fields of the JSON body. */
    public Map<String, Object> details() {
        return details;
    }
}
