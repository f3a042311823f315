package org.sandgate.server.identity;

/**
 * The RFC 3820 policy a proxy chain carries, as Globus reads it: the most restrictive proxy of the
 * chain decides (a full proxy made from a limited one is limited).
 */
public enum ProxyPolicyKind {
    /** No proxy: an end-entity certificate. */
    NONE("none"),
    /** {@code id-ppl-inheritAll} (or a legacy {@code CN=proxy}): all the issuer's rights. */
    INHERIT_ALL("inherit_all"),
    /** The Globus limited policy (or a legacy {@code CN=limited proxy}): authentication, no job launch. */
    LIMITED("limited"),
    /** {@code id-ppl-independent}: none of the issuer's rights. */
    INDEPENDENT("independent");

    private final String wireName;

    ProxyPolicyKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON. */
    public String wireName() {
        return wireName;
    }
}
