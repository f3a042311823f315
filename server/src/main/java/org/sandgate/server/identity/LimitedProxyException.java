package org.sandgate.server.identity;

import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;


/** A limited proxy asked for something that launches or changes work, which it may not do. */
public class LimitedProxyException extends Refusal {
    public LimitedProxyException(String message) {
        super(ErrorCode.LIMITED_PROXY, message);
    }
}
