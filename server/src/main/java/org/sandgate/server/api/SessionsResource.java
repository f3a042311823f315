package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.sandbox.SandboxTree;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code /api/v1/sessions}: a caller's sessions, one session's state and files, and removing one.
 * Who may read or remove a session is {@link SessionAccess}'s one rule; anyone else gets 404, the same
 * answer as for an id that does not exist. Sessions of anonymous callers are never listed; their id is
 * their capability.
 */
@Path(ApiPaths.V1 + "/sessions")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionsResource {
    private static final int MAX_FILES = 1000;

    private final SessionManager sessions;
    private final Sandboxes sandboxes;
    private final SessionAccess access;

    public SessionsResource(SessionManager sessions, Sandboxes sandboxes, SessionAccess access) {
        this.sessions = sessions;
        this.sandboxes = sandboxes;
        this.access = access;
    }

    /** The owner recorded for a caller's sessions. */
    static String ownerOf(RequestCaller caller) {
        return caller.identity().dn().orElse(SessionManager.ANONYMOUS);
    }

    /** The owner key recorded for a caller's sessions: the canonical subject, which decides ownership. */
    static String ownerKeyOf(RequestCaller caller) {
        return caller.identity().canonical().orElse(SessionManager.ANONYMOUS);
    }

    static String statusUrl(UriInfo uri, SessionId id) {
        return uri.getBaseUri().resolve("/api/v1/sessions/" + id.value()).toString();
    }

    static String sandboxUrl(UriInfo uri, SessionId id) {
        return uri.getBaseUri().resolve("/sandbox/" + id.value() + "/").toString();
    }

    @GET
    public Map<String, Object> mine(@Context SecurityContext security, @Context UriInfo uri) {
        RequestCaller caller = Callers.of(security);
        List<Map<String, Object>> list = new ArrayList<>();
        if (caller.identity().dn().isPresent()) {
            Optional<String> oldForm = caller.identity().ambiguity().isEmpty() ? caller.identity().dn() : Optional.empty();
            for (Session s : sessions.ownedBy(ownerKeyOf(caller), oldForm)) {
                list.add(describe(s, uri, false));
            }
        }
        return Map.of("sessions", list);
    }

    @GET
    @Path("{id}")
    public Map<String, Object> one(@PathParam("id") String id, @Context SecurityContext security,
                                   @Context UriInfo uri) {
        return describe(access.require(Callers.of(security), id, SessionAccess.Action.STATUS), uri, true);
    }

    @DELETE
    @Path("{id}")
    public Response remove(@PathParam("id") String id, @Context SecurityContext security) {
        sessions.remove(access.require(Callers.of(security), id, SessionAccess.Action.REMOVE));
        return Response.noContent().build();
    }

    Map<String, Object> describe(Session s, UriInfo uri, boolean withFiles) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session", s.id().value());
        d.put("service", s.service());
        d.put("method", s.method());
        d.put("owner", s.owner());
        d.put("account", s.account());
        d.put("tier", s.tier());
        d.put("cost", s.cost());
        d.put("state", s.state().name());
        d.put("exit_code", s.exitCode().orElse(null));
        d.put("message", s.message().orElse(null));
        d.put("backend", s.backend());
        d.put("backend_job_id", s.backendJobId().orElse(null));
        d.put("created", s.created().toString());
        d.put("updated", s.updated().toString());
        d.put("url", sandboxUrl(uri, s.id()));
        if (withFiles) {
            d.put("files", files(s.id()));
        }
        return d;
    }

    /**
     * The regular files of the sandbox, at most {@value #MAX_FILES}, reached as downloads reach them
     * (from the open sandbox, one name at a time, no link followed: {@link SandboxTree}).
     */
    private List<Map<String, Object>> files(SessionId id) {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            for (SandboxTree.FileEntry f : SandboxTree.files(sandboxes.root(), id, MAX_FILES)) {
                out.add(Map.of("path", f.path(), "size", f.size(), "mtime", f.mtime().toString()));
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
