package org.sandgate.batch;

/** The back end refused a request or cannot be reached; the message is the back end's. */
public class BackendException extends RuntimeException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
