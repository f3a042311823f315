package org.sandgate.server.api;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.files.SandboxTree;

/**
 * A session as the API shows it, in one place for every resource and the event stream: its status
 * document, the answer to the call that made it, the data of one state event, and its URLs.
 */
public final class SessionViews {
    private static final int MAX_FILES = 1000;

    private final Sandboxes sandboxes;

    public SessionViews(Sandboxes sandboxes) {
        this.sandboxes = sandboxes;
    }

    /** {@code /api/v1/sessions/ID} on the server that {@code base} names. */
    public static String statusUrl(URI base, SessionId id) {
        return base.resolve("/" + ApiPaths.V1 + "/sessions/" + id.value()).toString();
    }

    /** The sandbox's URL, {@code /sandbox/ID/}. */
    public static String sandboxUrl(URI base, SessionId id) {
        return base.resolve("/sandbox/" + id.value() + "/").toString();
    }

    /**
     * The status document of a session.
     *
     * @param withFiles with the sandbox's regular files (at most {@value #MAX_FILES})
     */
    public Map<String, Object> status(Session s, URI base, boolean withFiles) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session", s.id().value());
        d.put("service", s.service());
        d.put("method", s.method());
        d.put("owner", s.owner());
        d.put("account", s.account());
        d.put("tier", s.tier().wireName());
        d.put("cost", s.cost());
        d.put("state", s.state().name());
        d.put("exit_code", s.exitCode().orElse(null));
        d.put("message", s.message().orElse(null));
        d.put("backend", s.backend());
        d.put("backend_job_id", s.backendJobId().orElse(null));
        d.put("created", s.created().toString());
        d.put("updated", s.updated().toString());
        d.put("url", sandboxUrl(base, s.id()));
        if (withFiles) {
            d.put("files", files(s.id()));
        }
        return d;
    }

    /** The answer to the call that made a session. */
    public static Map<String, Object> launched(Session s, URI base) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("session", s.id().value());
        answer.put("url", sandboxUrl(base, s.id()));
        answer.put("status_url", statusUrl(base, s.id()));
        answer.put("state", s.state().name());
        return answer;
    }

    /** The data of one {@code state} event of the event stream. */
    public static Map<String, Object> event(Session s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("session", s.id().value());
        data.put("state", s.state().name());
        data.put("exit_code", s.exitCode().orElse(null));
        data.put("message", s.message().orElse(null));
        data.put("updated", s.updated().toString());
        return data;
    }

    /**
     * The regular files of the sandbox, reached as downloads reach them (from the open sandbox, one
     * name at a time, no link followed: {@link SandboxTree}).
     */
    private List<Map<String, Object>> files(SessionId id) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (SandboxTree.FileEntry f : SandboxTree.files(sandboxes.root(), sandboxes.nameOf(id), MAX_FILES)) {
                out.add(Map.of("path", f.path(), "size", f.size(), "mtime", f.mtime().toString()));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
