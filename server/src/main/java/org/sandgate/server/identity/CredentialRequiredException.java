package org.sandgate.server.identity;

import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;


/** The request has no client certificate and anonymous access is switched off. */
public class CredentialRequiredException extends Refusal {
    public CredentialRequiredException() {
        super(ErrorCode.CERTIFICATE_REQUIRED, "this server does not accept anonymous requests: "
                + "present a client certificate or proxy");
    }
}
