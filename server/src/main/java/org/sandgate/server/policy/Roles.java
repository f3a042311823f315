package org.sandgate.server.policy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.identity.Identity;
import org.sandgate.service.Tier;

/**
 * The DNs with more rights than calling services: {@code developers} deploy and remove services
 * over the API and read deploy errors; {@code admins} administer the server and may also do what
 * developers may. DNs are compared as the grid-mapfile compares them, in slash or RFC 2253 form.
 */
public final class Roles {
    private final Set<String> developers;
    private final Set<String> admins;

    public Roles(List<String> developers, List<String> admins) {
        this.developers = keys(developers);
        this.admins = keys(admins);
    }

    private static Set<String> keys(List<String> dns) {
        return dns.stream().map(DistinguishedNames::canonicalOfAnyForm).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the caller is an administrator. */
    public boolean isAdmin(Identity identity) {
        return identity.tier() == Tier.STRONG && identity.canonical().map(admins::contains).orElse(false);
    }

    /** Whether the caller may deploy services: a developer or an administrator. */
    public boolean isDeveloper(Identity identity) {
        return isAdmin(identity) || identity.tier() == Tier.STRONG && identity.canonical().map(developers::contains).orElse(false);
    }
}
