package org.sandgate.client.credentials;

/** The user's credential or trust anchors cannot be used; the message says why and what to do. */
public class CredentialException extends RuntimeException {
    public CredentialException(String message) {
        super(message);
    }
}
