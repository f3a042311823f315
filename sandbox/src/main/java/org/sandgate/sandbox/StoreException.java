package org.sandgate.sandbox;

/** The state store failed; the server cannot vouch for the session state. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
