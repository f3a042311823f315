package org.sandgate.server.ca;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writing grid-mapfile lines in the Globus format. */
public final class GridMapLines {
    private GridMapLines() {
    }

    /** The line mapping a DN to accounts, with quotes and backslashes in the DN escaped. */
    public static String line(String dn, List<String> accounts) {
        return "\"" + dn.replace("\\", "\\\\").replace("\"", "\\\"") + "\" " + String.join(",", accounts);
    }

    /** Appends a line to a grid-mapfile (made if missing), atomically. */
    public static void add(Path gridmap, String dn, List<String> accounts) throws IOException {
        String existing = Files.exists(gridmap) ? Files.readString(gridmap) : "";
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            existing += "\n";
        }
        Pem.write(gridmap, existing + line(dn, accounts) + "\n", "rw-r--r--");
    }
}
