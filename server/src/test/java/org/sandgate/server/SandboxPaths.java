package org.sandgate.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.sandgate.sandbox.SandboxNames;
import org.sandgate.sandbox.SessionId;

/** Where a test server keeps a session's sandbox: named with the server's key, or by id when an earlier version made it. */
final class SandboxPaths {
    private SandboxPaths() {
    }

    /**
     * @param data the server's data directory
     * @param id   the session id
     */
    static Path of(Path data, String id) {
        Path sandboxes = data.resolve("sandboxes");
        if (Files.isDirectory(sandboxes.resolve(id))) {
            return sandboxes.resolve(id);
        }
        try {
            return sandboxes.resolve(SandboxNames.load(data.resolve("state").resolve("sandbox-names.key"))
                    .nameOf(new SessionId(id)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
