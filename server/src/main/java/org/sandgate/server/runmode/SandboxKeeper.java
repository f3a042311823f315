package org.sandgate.server.runmode;

import java.io.IOException;
import java.nio.file.Path;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.files.OpenNode;
import org.sandgate.server.shared.SharedMode;

/**
 * Who makes and removes sandboxes: the server itself (personal mode), or the job's account through
 * the job wrapper (shared mode), so that a sandbox belongs to the account its job runs as.
 */
public interface SandboxKeeper {

    /** Refuses an account that jobs must not run as (shared mode). */
    void admit(String account);

    /** Makes the sandbox of a new session. */
    Path create(SessionId id, String account) throws IOException;

    /** Hands what the service prepared in the sandbox over to the job's account. */
    void handOver(SessionId id, String account) throws IOException;

    /** Removes a sandbox and everything in it. */
    void delete(SessionId id, String account) throws IOException;

    /** Sandboxes that belong to the server's own account. */
    static SandboxKeeper personal(Sandboxes sandboxes) {
        return new SandboxKeeper() {
            @Override
            public void admit(String account) {
            }

            @Override
            public Path create(SessionId id, String account) throws IOException {
                return sandboxes.create(id);
            }

            @Override
            public void handOver(SessionId id, String account) {
            }

            @Override
            public void delete(SessionId id, String account) throws IOException {
                // by descriptor, one name at a time: a link the job flips into the tree is removed, not followed
                try (OpenNode root = OpenNode.directory(sandboxes.root())) {
                    root.removeTree(sandboxes.nameOf(id));
                }
            }
        };
    }

    /** Sandboxes that belong to the jobs' accounts. */
    static SandboxKeeper shared(Sandboxes sandboxes, SharedMode mode) {
        return new SandboxKeeper() {
            @Override
            public void admit(String account) {
                mode.verify(account);
            }

            @Override
            public Path create(SessionId id, String account) throws IOException {
                Path dir = sandboxes.of(id);
                mode.createSandbox(dir, account);
                return dir;
            }

            @Override
            public void handOver(SessionId id, String account) throws IOException {
                mode.handOver(sandboxes.root(), sandboxes.nameOf(id), account);
            }

            @Override
            public void delete(SessionId id, String account) throws IOException {
                mode.removeSandbox(sandboxes.of(id), account);
            }
        };
    }
}
