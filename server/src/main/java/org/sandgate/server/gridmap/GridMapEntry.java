package org.sandgate.server.gridmap;

import java.util.List;

/**
 * One mapping of a grid-mapfile.
 *
 * @param dn       the DN as written in the file (unescaped)
 * @param accounts the local accounts, the first being the default
 * @param line     the line number in the file
 */
public record GridMapEntry(String dn, List<String> accounts, int line) {
    public GridMapEntry {
        accounts = List.copyOf(accounts);
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("a mapping needs at least one account");
        }
    }

    /** The default account: the first one listed. */
    public String defaultAccount() {
        return accounts.get(0);
    }
}
