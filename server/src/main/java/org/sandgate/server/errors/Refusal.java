package org.sandgate.server.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request refused, or a failure a client must be told about: its {@link ErrorCode} (which fixes the
 * HTTP status), a message for humans and optional extra fields of the JSON body. Any layer may throw
 * one; the API layer turns it into a response in one place.
 */
public class Refusal extends RuntimeException {
    private final ErrorCode errorCode;
    private final Map<String, Object> details;

    public Refusal(ErrorCode errorCode, String message) {
        this(errorCode, message, Map.of());
    }

    public Refusal(ErrorCode errorCode, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** What was refused, as one of the API's codes. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The HTTP status. */
    public int status() {
        return errorCode.status();
    }

    /** The {@code error} code of the JSON body. */
    public String code() {
        return errorCode.code();
    }

    /** Extra fields of the JSON body. */
    public Map<String, Object> details() {
        return details;
    }
}
