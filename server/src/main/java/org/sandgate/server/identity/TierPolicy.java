package org.sandgate.server.identity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sandgate.server.gridmap.DistinguishedNames;
import org.sandgate.service.Tier;

/** Decides the tier of a validated certificate by the CA that issued the end-entity certificate. */
public final class TierPolicy {
    private final Set<String> weakIssuerKeys;

    /**
     * @param weakIssuers CA subjects, in slash or RFC 2253 form, whose certificates are weak
     * @throws IllegalArgumentException when one of them is not a DN
     */
    public TierPolicy(List<String> weakIssuers) {
        Set<String> keys = new HashSet<>();
        for (String issuer : weakIssuers) {
            keys.add(DistinguishedNames.comparisonKeyOfAnyForm(issuer.strip()));
        }
        this.weakIssuerKeys = Set.copyOf(keys);
    }

    /** The tier of an end-entity certificate issued by this CA (slash form). */
    public Tier tierOf(String issuerSlashDn) {
        return weakIssuerKeys.contains(DistinguishedNames.comparisonKey(issuerSlashDn)) ? Tier.WEAK : Tier.STRONG;
    }
}
