package org.sandgate.service;

import java.util.Objects;
import java.util.Optional;

/**
 * Who made a call: the identity the container authenticated and the local account it mapped to.
 *
 * @param dn      the end-entity subject in OpenSSL slash form; empty for an anonymous caller
 * @param tier    the strength of the credential
 * @param account the local account the call runs as; empty when the account rules allow none
 */
public record Caller(Optional<String> dn, Tier tier, Optional<String> account) {
    public Caller {
        Objects.requireNonNull(dn, "dn");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(account, "account");
    }
}
