package org.sandgate.server.portal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.files.OpenNode;
import org.sandgate.server.files.SandboxTree;
import org.sandgate.server.sessions.SessionManager;

/**
 * The end of a job's {@code stdout} or {@code stderr}, for the session page: read as downloads read
 * (from the open sandbox, no link followed: {@link SandboxTree}), at most {@link #TAIL_BYTES}, as
 * UTF-8 with anything else replaced. The page asks only after the API has let the caller read the
 * session.
 */
final class OutputTails {
    /** How much of the end of a file the page shows. */
    static final int TAIL_BYTES = 64 * 1024;

    private final SessionManager sessions;
    private final SandboxTree tree;

    OutputTails(SessionManager sessions, SandboxTree tree) {
        this.sessions = sessions;
        this.tree = tree;
    }

    /**
     * The end of a file.
     *
     * @param text      the text (from the start of a line when cut)
     * @param size      the whole file's size
     * @param truncated whether only the end is shown
     */
    record Tail(String text, long size, boolean truncated) {
    }

    /** The end of a regular file at the top of a session's sandbox, if there is one. */
    Optional<Tail> tail(String id, String name) {
        Optional<Session> session = SessionId.parse(id).flatMap(sessions::find);
        if (session.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<OpenNode> node = tree.open(session.get(), List.of(name));
            if (node.isEmpty()) {
                return Optional.empty();
            }
            try (OpenNode file = node.get()) {
                if (!file.isRegularFile()) {
                    return Optional.empty();
                }
                try (FileChannel channel = file.read()) {
                    long size = channel.size();
                    long from = Math.max(0, size - TAIL_BYTES);
                    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(TAIL_BYTES, size));
                    while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                        // until the end as it was when measured
                    }
                    buffer.flip();
                    String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(buffer).toString();
                    if (from > 0) {
                        int newline = text.indexOf('\n');
                        text = newline < 0 ? text : text.substring(newline + 1);
                    }
                    return Optional.of(new Tail(text, size, from > 0));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
