package org.sandgate.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.sandgate.sandbox.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per authorization decision and per session state change, appended
 * to its own file. The file is mode 600 (it holds session ids, which are capabilities), including
 * after rotation: at {@code maxBytes} it becomes {@code .1} (older ones move up to {@code .9}) and a
 * new file is started. Written directly, not through the logging framework, which cannot set modes.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final ObjectMapper JSON = org.sandgate.server.json.StrictJson.mapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int KEPT = 9;

    private final Path file;
    private final long maxBytes;
    private final Clock clock;
    private FileChannel out;

    public AuditLog(Path file, long maxBytes, Clock clock) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.clock = clock;
        Files.createDirectories(file.getParent());
        open();
    }

    private void open() throws IOException {
        out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.setPosixFilePermissions(file, OWNER_ONLY);
    }

    /**
     * An authorization decision.
     *
     * @param decision {@code allow} or {@code deny}
     * @param reason   why (for a denial: the error code and message)
     */
    public void decision(Map<String, Object> who, String what, Double cost, String decision, String reason,
                         String session) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "authorization");
        line.putAll(who);
        line.put("call", what);
        line.put("cost", cost);
        line.put("decision", decision);
        line.put("reason", reason);
        line.put("session", session);
        write(line);
    }

    /** A session's state change. */
    public void session(Session s) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "session");
        line.put("session", s.id().value());
        line.put("dn", s.owner());
        line.put("dn_canonical", s.ownerKey());
        line.put("tier", s.tier().wireName());
        line.put("account", s.account());
        line.put("call", s.service() + "." + s.method());
        line.put("cost", s.cost());
        line.put("state", s.state().name());
        line.put("exit_code", s.exitCode().orElse(null));
        line.put("backend", s.backend());
        line.put("message", s.message().orElse(null));
        write(line);
    }

    /**
     * A sandbox request on HTTPS: who read what of which session, and how much was sent.
     *
     * @param decision {@code allow}, or {@code deny} for a session the caller may not read
     * @param status   the HTTP status answered
     */
    public void download(Map<String, Object> who, String session, String path, String decision, int status, long bytes) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "download");
        line.putAll(who);
        line.put("session", session);
        line.put("path", path);
        line.put("decision", decision);
        line.put("status", status);
        line.put("bytes", bytes);
        write(line);
    }

    /** An administrative action. */
    public void admin(String dn, String action, Map<String, Object> details) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "admin");
        line.put("dn", dn);
        line.put("action", action);
        line.putAll(details);
        write(line);
    }

    private synchronized void write(Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.putAll(fields);
        try {
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            if (out.size() > 0 && out.size() + bytes.length > maxBytes) {
                rotate();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (JsonProcessingException e) {
            LOG.warn("audit record not written: {}", e.getMessage());
        } catch (IOException e) {
            LOG.error("audit log {} cannot be written: {}", file, e.getMessage());
        }
    }

    private void rotate() throws IOException {
        out.close();
        for (int i = KEPT - 1; i >= 1; i--) {
            Path older = file.resolveSibling(file.getFileName() + "." + i);
            if (Files.exists(older)) {
                Files.move(older, file.resolveSibling(file.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
