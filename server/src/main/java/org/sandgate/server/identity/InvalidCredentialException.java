package org.sandgate.server.identity;

import org.sandgate.server.api.ApiException;

/** A client certificate chain failed validation; it is never treated as the DN it claims. */
public class InvalidCredentialException extends ApiException {
    public InvalidCredentialException(String message) {
        super(401, "invalid_certificate", message);
    }
}
