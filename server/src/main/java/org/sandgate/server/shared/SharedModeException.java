package org.sandgate.server.shared;

/** Shared mode cannot work here (sudo, the job wrapper, the sandbox directory); says what to fix. */
public class SharedModeException extends RuntimeException {
    public SharedModeException(String message) {
        super(message);
    }
}
