package org.sandgate.server.api;

/** The caller is authenticated but not allowed to do this. */
public class NotAuthorizedException extends ApiException {
    public NotAuthorizedException(String message) {
        super(403, "not_authorized", message);
    }
}
