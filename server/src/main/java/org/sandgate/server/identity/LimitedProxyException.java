package org.sandgate.server.identity;

import org.sandgate.server.api.ApiException;

/** A limited proxy asked for something that launches or changes work, which it may not do. */
public class LimitedProxyException extends ApiException {
    public LimitedProxyException(String message) {
        super(403, "limited_proxy", message);
    }
}
