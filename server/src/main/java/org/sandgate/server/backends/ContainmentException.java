package org.sandgate.server.backends;

/** {@code jobs.containment: bwrap} was asked for and bubblewrap does not work here; says why. */
public class ContainmentException extends RuntimeException {
    public ContainmentException(String message) {
        super(message);
    }
}
