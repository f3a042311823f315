package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.server.admin.Bans;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.admin.Reloader;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.config.ConfigException;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.sessions.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administration, for the DNs under {@code admins:} (strong tier): reload the configuration, the
 * grid-mapfile and the trust anchors; ban and unban DNs; list every session; drain mode. Everyone
 * else gets {@code 403 not_authorized}. Every action is audited.
 */
@Path(ApiPaths.V1 + "/admin")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {
    private static final Logger LOG = LoggerFactory.getLogger(AdminResource.class);

    private final Policies policies;
    private final Reloader reloader;
    private final Bans bans;
    private final Drain drain;
    private final SessionManager sessions;
    private final SessionViews sessionViews;
    private final AuditLog audit;

    public AdminResource(Policies policies, Reloader reloader, Bans bans, Drain drain, SessionManager sessions,
                         SessionViews sessionViews, AuditLog audit) {
        this.policies = policies;
        this.reloader = reloader;
        this.bans = bans;
        this.drain = drain;
        this.sessions = sessions;
        this.sessionViews = sessionViews;
        this.audit = audit;
    }

    private RequestCaller admin(SecurityContext context, String action) {
        RequestCaller caller = Callers.of(context);
        if (caller.identity().launchRefused()) {
            audit.decision(caller.auditFields(), "admin." + action, null, "deny", ErrorCode.LIMITED_PROXY.code(), null);
            caller.identity().requireLaunchRights("administer the server");
        }
        if (!policies.current().roles().isAdmin(caller.identity())) {
            LOG.warn("refused admin action {} to {}", action, caller.getName());
            audit.decision(caller.auditFields(), "admin." + action, null, "deny", "not_authorized: not an admin", null);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "only administrators (key 'admins', strong certificates) may do this");
        }
        return caller;
    }

    /** Reloads the configuration, the grid-mapfile and the trust anchors, keeping connections and sessions. */
    @POST
    @Path("reload")
    public Map<String, Object> reload(@Context SecurityContext context) {
        RequestCaller caller = admin(context, "reload");
        Reloader.Result result;
        try {
            result = reloader.reload();
        } catch (ConfigException e) {
            audit.admin(caller.getName(), "reload", Map.of("result", "refused", "problems", e.problems()));
            throw new Refusal(ErrorCode.INVALID_CONFIGURATION, "the configuration was not reloaded: "
                    + String.join("; ", e.problems()), Map.of("problems", e.problems()));
        }
        audit.admin(caller.getName(), "reload", Map.of("result", "reloaded", "restart_needed", result.restartNeeded()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("reloaded", List.of("configuration", "grid-mapfile", "trust anchors"));
        answer.put("restart_needed", result.restartNeeded());
        return answer;
    }

    @GET
    @Path("bans")
    public Map<String, Object> bans(@Context SecurityContext context) {
        admin(context, "bans");
        return Map.of("bans", bans.all());
    }

    /** Bans a DN: {@code {"dn": "/O=.../CN=...", "reason": "..."}}. */
    @PUT
    @Path("bans")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> ban(String body, @Context SecurityContext context) throws IOException {
        RequestCaller caller = admin(context, "ban");
        JsonNode request = json(body);
        String dn = text(request, "dn", MAX_DN_CHARS, true);
        String reason = text(request, "reason", MAX_REASON_CHARS, false);
        Bans.Ban ban;
        try {
            ban = bans.ban(dn, reason, caller.getName());
        } catch (IllegalArgumentException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'dn' must be a DN in slash or RFC 2253 form",
                    Map.of("argument", "dn"));
        }
        LOG.warn("{} banned by {}: {}", dn, caller.getName(), reason);
        audit.admin(caller.getName(), "ban", Map.of("target", dn, "reason", reason));
        return Map.of("ban", ban);
    }

    /** Lifts a ban: {@code DELETE /api/v1/admin/bans?dn=...}. */
    @DELETE
    @Path("bans")
    public Response unban(@QueryParam("dn") String dn, @Context SecurityContext context) throws IOException {
        RequestCaller caller = admin(context, "unban");
        boolean lifted;
        try {
            lifted = dn != null && bans.unban(dn);
        } catch (IllegalArgumentException e) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'dn' must be a DN", Map.of("argument", "dn"));
        }
        if (!lifted) {
            throw new Refusal(ErrorCode.NOT_FOUND, "that DN is not banned");
        }
        LOG.warn("{} unbanned by {}", dn, caller.getName());
        audit.admin(caller.getName(), "unban", Map.of("target", dn));
        return Response.noContent().build();
    }

    /** Every session of every owner, newest first (at most {@code limit}, default 1000). */
    @GET
    @Path("sessions")
    public Map<String, Object> sessions(@QueryParam("limit") String limit, @Context SecurityContext context,
                                        @Context UriInfo uri) {
        admin(context, "sessions");
        int n = sessionLimit(limit);
        return Map.of("sessions", sessions.all(n).stream().map(s -> sessionViews.status(s, uri.getBaseUri(), false)).toList());
    }

    @GET
    @Path("drain")
    public Map<String, Object> draining(@Context SecurityContext context) {
        admin(context, "drain");
        return Map.of("draining", drain.isOn());
    }

    /** Drain mode on or off: {@code {"draining": true}}. */
    @POST
    @Path("drain")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> drain(String body, @Context SecurityContext context) {
        RequestCaller caller = admin(context, "drain");
        JsonNode on = json(body).get("draining");
        if (on == null || !on.isBoolean()) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'draining' must be true or false",
                    Map.of("argument", "draining"));
        }
        drain.set(on.asBoolean());
        LOG.warn("drain mode {} by {}", on.asBoolean() ? "on" : "off", caller.getName());
        audit.admin(caller.getName(), "drain", Map.of("draining", on.asBoolean()));
        return Map.of("draining", drain.isOn());
    }

    private static JsonNode json(String body) {
        JsonNode root = JsonMapping.body(body);
        if (root == null || !root.isObject()) {
            throw new Refusal(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
        }
        return root;
    }

    /** Longest DN a ban names: far above any real subject, low enough to keep one log line short. */
    private static final int MAX_DN_CHARS = 1024;
    private static final int MAX_REASON_CHARS = 1024;
    private static final int MAX_SESSIONS = 100_000;

    /** A text member of an admin request: a JSON string, not blank when required, at most {@code max} characters. */
    private static String text(JsonNode request, String name, int max, boolean required) {
        JsonNode value = request.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'" + name + "' is required", Map.of("argument", name));
            }
            return "";
        }
        if (!value.isTextual() || (required && value.asText().isBlank()) || value.asText().length() > max) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'" + name + "' must be "
                    + (required ? "a non-empty string" : "a string") + " of at most " + max + " characters",
                    Map.of("argument", name));
        }
        return value.asText();
    }

    private static int sessionLimit(String limit) {
        if (limit == null) {
            return 1000;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_SESSIONS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new Refusal(ErrorCode.INVALID_ARGUMENT, "limit must be an integer from 1 to " + MAX_SESSIONS,
                Map.of("argument", "limit"));
    }
}
