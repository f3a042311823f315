package org.sandgate.server.identity;

import java.util.Locale;

/** Whether a client authenticated with a proxy certificate, and of which kind. */
public enum ProxyKind {
    /** An end-entity certificate, no proxy. */
    NONE,
    /** RFC 3820 proxy certificates. */
    RFC3820,
    /** Proxies of the pre-RFC draft (Globus Toolkit 3). */
    DRAFT,
    /** Legacy Globus proxies ({@code CN=proxy} / {@code CN=limited proxy}). */
    LEGACY,
    /** A chain that mixes kinds. */
    MIXED;

    /** The lower-case name used in JSON. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
