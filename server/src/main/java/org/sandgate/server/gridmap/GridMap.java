package org.sandgate.server.gridmap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.server.identity.DistinguishedNames;

/** An immutable DN → accounts table, looked up with the Globus comparison rules. */
public final class GridMap {
    private static final GridMap EMPTY = new GridMap(List.of());

    private final Map<String, GridMapEntry> byKey;

    /** Builds the table; when a DN occurs twice the first entry wins, as in Globus. */
    public GridMap(List<GridMapEntry> entries) {
        Map<String, GridMapEntry> map = new HashMap<>();
        for (GridMapEntry e : entries) {
            map.putIfAbsent(DistinguishedNames.comparisonKey(e.dn()), e);
        }
        this.byKey = Map.copyOf(map);
    }

    /** The table that maps nobody. */
    public static GridMap empty() {
        return EMPTY;
    }

    /** The entry for a slash-form DN. */
    public Optional<GridMapEntry> lookup(String slashDn) {
        return Optional.ofNullable(byKey.get(DistinguishedNames.comparisonKey(slashDn)));
    }

    /** Number of DNs mapped. */
    public int size() {
        return byKey.size();
    }
}
