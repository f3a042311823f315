package org.sandgate.server.identity;

import org.sandgate.server.api.ApiException;

/** The request has no client certificate and anonymous access is switched off. */
public class CredentialRequiredException extends ApiException {
    public CredentialRequiredException() {
        super(401, "certificate_required", "this server does not accept anonymous requests: "
                + "present a client certificate or proxy");
    }
}
