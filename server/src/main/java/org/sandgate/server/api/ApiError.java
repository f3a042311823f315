package org.sandgate.server.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The one JSON shape of every error: {@code {"error": code, "message": text, ...details}}.
 *
 * @param error   stable machine-readable code
 * @param message human-readable explanation; never internals or a stack trace
 * @param details extra fields for this kind of error
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(String error, String message, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> details) {
    public ApiError {
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** The details, written as fields beside {@code error} and {@code message}. */
    @JsonAnyGetter
    public Map<String, Object> extra() {
        return details;
    }
}
