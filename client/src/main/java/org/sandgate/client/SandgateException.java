package org.sandgate.client;

/**
 * A call the server refused or could not answer: the HTTP status and the server's {@code error} code
 * (for example {@code invalid_certificate}, {@code not_authorized}, {@code insufficient_credential}).
 */
public class SandgateException extends RuntimeException {
    private final int status;
    private final String code;

    public SandgateException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, or 0 when the server could not be reached. */
    public int status() {
        return status;
    }

    /** The server's error code, or {@code connection_failed} when it could not be reached. */
    public String code() {
        return code;
    }
}
