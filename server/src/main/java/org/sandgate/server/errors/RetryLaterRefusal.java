package org.sandgate.server.errors;

import java.util.Map;

/** A refusal that may succeed later: answered with {@code Retry-After}. */
public final class RetryLaterRefusal extends Refusal {
    private final long retryAfterSeconds;

    public RetryLaterRefusal(ErrorCode errorCode, String message, Map<String, Object> details, long retryAfterSeconds) {
        super(errorCode, message, details);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds the client should wait before it tries again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
