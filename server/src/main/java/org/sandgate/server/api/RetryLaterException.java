package org.sandgate.server.api;

import java.util.Map;

/** A refusal that may succeed later: answered with {@code Retry-After}. */
public final class RetryLaterException extends ApiException {
    private final long retryAfterSeconds;

    public RetryLaterException(int status, String code, String message, Map<String, Object> details,
                               long retryAfterSeconds) {
        super(status, code, message, details);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds the client should wait before it tries again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
