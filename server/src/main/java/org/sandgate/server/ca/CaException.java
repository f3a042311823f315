package org.sandgate.server.ca;

/** The development CA cannot do what was asked; the message says why. */
public class CaException extends RuntimeException {
    public CaException(String message) {
        super(message);
    }
}
