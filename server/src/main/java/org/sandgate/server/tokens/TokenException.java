package org.sandgate.server.tokens;

/** A bearer token that is refused; the message says why (it is shown to the client). */
public class TokenException extends Exception {
    public TokenException(String message) {
        super(message);
    }
}
