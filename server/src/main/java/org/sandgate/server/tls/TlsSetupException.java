package org.sandgate.server.tls;

/** The TLS layer cannot be set up; the message is one line that says what to fix. */
public class TlsSetupException extends RuntimeException {
    public TlsSetupException(String message) {
        super(message);
    }
}
