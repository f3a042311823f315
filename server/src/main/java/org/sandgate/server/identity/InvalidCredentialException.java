package org.sandgate.server.identity;

import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;


/** A client certificate chain failed validation; it is never treated as the DN it claims. */
public class InvalidCredentialException extends Refusal {
    public InvalidCredentialException(String message) {
        super(ErrorCode.INVALID_CERTIFICATE, message);
    }
}
