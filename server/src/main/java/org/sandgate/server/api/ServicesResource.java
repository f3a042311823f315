package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import org.sandgate.sandbox.Session;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.errors.RetryLaterRefusal;
import org.sandgate.server.sessions.SessionManager;
import org.sandgate.server.sessions.SessionQuota;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.services.ArgumentBinder;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.server.services.ServiceNames;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ServiceRegistry;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.authz.AuthzCallout;
import java.time.Duration;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;
import org.sandgate.service.Call;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;

/**
 * {@code GET /api/v1/services}: what is deployed; {@code POST /api/v1/services/{path}/{method}}:
 * calls a method. Before a method runs: its service and method must exist (404), the caller must
 * have an account (403), the arguments must fit the schema (400), and the cost for these arguments
 * must be within the ceiling of the caller's tier (403 {@code insufficient_credential}).
 */
@Path(ApiPaths.V1 + "/services")
@Produces(MediaType.APPLICATION_JSON)
public final class ServicesResource {
    private static final Logger LOG = LoggerFactory.getLogger(ServicesResource.class);
    private final Deployer deployer;
    private final Policies policies;
    private final SessionManager sessions;
    private final AuthzCallout callout;
    private final AuditLog audit;
    private final Drain drain;
    private final Duration immediateTimeout;
    private final SessionQuota quota;

    /** Seconds a caller over its session limit is told to wait. */
    static final long RETRY_AFTER_SECONDS = 30;

    /**
     * @param immediateTimeout an immediate method still running after this is cut off
     * @param quota            the sessions each caller holds, against {@code limits.sessions}
     */
    public ServicesResource(Deployer deployer, Policies policies, SessionManager sessions, AuthzCallout callout,
                            AuditLog audit, Drain drain, Duration immediateTimeout, SessionQuota quota) {
        this.quota = quota;
        this.deployer = deployer;
        this.policies = policies;
        this.sessions = sessions;
        this.callout = callout;
        this.audit = audit;
        this.drain = drain;
        this.immediateTimeout = immediateTimeout;
    }

    @GET
    public Map<String, Object> list(@Context SecurityContext context) {
        ServiceRegistry registry = deployer.current();
        List<Map<String, Object>> services = new ArrayList<>();
        for (DeployedService s : registry.all()) {
            List<Map<String, Object>> methods = new ArrayList<>();
            for (ServiceMethod m : s.methods().values()) {
                Map<String, Object> method = new LinkedHashMap<>();
                method.put("name", m.name());
                method.put("kind", m.kind().name().toLowerCase());
                method.put("description", m.description());
                method.put("path", "/api/v1/services/" + s.name().replace('.', '/') + "/" + m.name());
                method.put("arguments", m.arguments().stream().map(ServicesResource::describe).toList());
                methods.add(method);
            }
            services.add(Map.of("name", s.name(), "description", s.service().description(), "methods", methods));
        }
        Map<String, Object> tiers = new LinkedHashMap<>();
        SandgateConfig.TierLimits limits = policies.current().config().tiers().limits();
        for (Tier t : Tier.values()) {
            tiers.put(t.wireName(), limits.of(t));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("services", services);
        answer.put("cost_limits", tiers);
        if (policies.current().roles().isDeveloper(Callers.of(context).identity())) {
            answer.put("problems", registry.problems().stream()
                    .map(p -> Map.of("file", p.file(), "message", p.message())).toList());
        }
        return answer;
    }

    private static Map<String, Object> describe(Argument a) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", a.name());
        d.put("type", a.type().name().toLowerCase());
        d.put("required", a.required());
        if (!a.description().isEmpty()) {
            d.put("description", a.description());
        }
        boolean whole = a.type() == org.sandgate.service.ArgumentType.INTEGER;
        // an integer's bounds are integers: the smallest and largest whole values accepted
        a.min().ifPresent(v -> d.put("min", whole ? (Object) (long) Math.ceil(v) : v));
        a.max().ifPresent(v -> d.put("max", whole ? (Object) (long) Math.floor(v) : v));
        a.pattern().ifPresent(p -> d.put("pattern", p.pattern()));
        a.allowed().ifPresent(v -> d.put("enum", v));
        a.fileName().ifPresent(f -> d.put("file", f));
        if (a.type() == org.sandgate.service.ArgumentType.STRING) {
            d.put("max_length", a.maxLength());
        }
        return d;
    }

    @POST
    @Path("{service: .+}/{method}")
    @Consumes(MediaType.WILDCARD)
    public Response call(@PathParam("service") List<PathSegment> service, @PathParam("method") String method,
                         String body, @Context SecurityContext context, @Context UriInfo uri) {
        String name = ServiceNames.fromSegments(service.stream().map(PathSegment::getPath).toList());
        DeployedService deployed = deployer.acquire(name).orElseThrow(() ->
                new Refusal(ErrorCode.NOT_FOUND, "no service named '" + printable(name) + "' is deployed"));
        try {
            return call(deployed, name, method, body, context, uri);
        } finally {
            deployed.exit();
        }
    }

    /**
     * A call on one version of a service, which stays deployed for the call even if it is replaced
     * meanwhile. Every decision — allowed, or refused and why — is audited.
     */
    private Response call(DeployedService deployed, String name, String method, String body, SecurityContext context,
                          UriInfo uri) {
        RequestCaller caller = Callers.of(context);
        String what = name + "." + method;
        Double cost = null;
        Call call;
        ServiceMethod m;
        try {
            m = deployed.method(method).orElseThrow(() ->
                    new Refusal(ErrorCode.NOT_FOUND, "service " + name + " has no method '" + printable(method) + "'"));
            caller.identity().requireLaunchRights(m.kind() == ServiceMethod.Kind.JOB ? "launch jobs" : "call services");
            caller.requireAccount();
            Arguments args = ArgumentBinder.bind(m.arguments(), argsOf(body));
            cost = cost(deployed, m, args);
            policies.current().security().check(caller.identity().tier(), cost);
            if (m.kind() == ServiceMethod.Kind.JOB && drain.isOn()) {
                throw new Refusal(ErrorCode.DRAINING, "the server is draining: it takes no new jobs now");
            }
            call = new Call(caller.toCaller(), args, cost);
        } catch (Refusal refused) {
            audit.decision(caller.auditFields(), what, cost, "deny", refused.code() + ": " + refused.getMessage(), null);
            throw refused;
        }
        Optional<String> denied = authorize(caller, name, method, cost);
        if (denied.isPresent()) {
            LOG.info("the authorization callout denied {} to {}: {}", what, caller.getName(), denied.get());
            audit.decision(caller.auditFields(), what, cost, "deny", "not_authorized: " + denied.get(), null);
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "the site's authorization policy does not allow this call");
        }
        if (m.kind() == ServiceMethod.Kind.JOB) {
            SessionQuota.Reservation slot = reserveSession(caller, what, cost);
            Session session;
            try {
                session = sessions.launch(deployed, m, call, SessionsResource.ownerOf(caller),
                        SessionsResource.ownerKeyOf(caller), caller.requireAccount());
            } catch (RuntimeException e) {
                quota.release(slot);
                throw e;
            }
            quota.bind(slot, session.id());
            audit.decision(caller.auditFields(), what, cost, "allow", "", session.id().value());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("session", session.id().value());
            answer.put("url", SessionsResource.sandboxUrl(uri, session.id()));
            answer.put("status_url", SessionsResource.statusUrl(uri, session.id()));
            answer.put("state", session.state().name());
            return Response.created(java.net.URI.create(SessionsResource.statusUrl(uri, session.id())))
                    .entity(answer).build();
        }
        audit.decision(caller.auditFields(), what, cost, "allow", "", null);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", invoke(deployed, m, call, immediateTimeout));
        return Response.ok(answer).build();
    }

    /** A session slot of the caller's, or {@code 429 too_many_sessions} (audited) when it holds them all. */
    private SessionQuota.Reservation reserveSession(RequestCaller caller, String what, double cost) {
        Tier tier = caller.identity().tier();
        int limit = policies.current().config().limits().sessions().of(tier);
        String who = SessionAccess.callerKey(caller);
        return quota.reserve(who, limit).orElseThrow(() -> {
            String message = "at most " + limit + " sessions of a " + tier.wireName()
                    + " caller may be queued or running at once (limits.sessions); try again when one has ended";
            LOG.info("refused a session to {}: {} queued or running", who, limit);
            audit.decision(caller.auditFields(), what, cost, "deny", "too_many_sessions: " + message, null);
            return new RetryLaterRefusal(ErrorCode.TOO_MANY_SESSIONS, message, Map.of("limit", limit),
                    RETRY_AFTER_SECONDS);
        });
    }

    /** Asks the site's authorization callout, when there is one; the reason when it denies the call. */
    private Optional<String> authorize(RequestCaller caller, String service, String method, double cost) {
        if (!callout.enabled()) {
            return Optional.empty();
        }
        Map<String, Object> request = new LinkedHashMap<>();
        var cert = caller.identity().certificate();
        request.put("dn", caller.identity().dn().orElse(null));
        request.put("issuer", cert.map(c -> c.issuer()).orElse(null));
        request.put("tier", caller.identity().tier().wireName());
        request.put("account", caller.account().orElse(null));
        request.put("proxy", cert.map(c -> c.proxy() != org.sandgate.server.identity.ProxyKind.NONE).orElse(false));
        request.put("addr", caller.address());
        request.put("service", service);
        request.put("method", method);
        request.put("cost", cost);
        caller.identity().tokenClaims().ifPresent(claims -> request.put("token", claims));
        AuthzCallout.Decision decision = callout.decide(request);
        return decision.allowed() ? Optional.empty() : Optional.of("callout: " + decision.reason());
    }

    private static JsonNode argsOf(String body) {
        JsonNode root = JsonMapping.body(body);
        if (root == null) {
            return null;
        }
        if (!root.isObject()) {
            throw new Refusal(ErrorCode.INVALID_JSON, "the request body must be a JSON object {\"args\": ...}");
        }
        return root.get("args");
    }

    private static double cost(DeployedService service, ServiceMethod m, Arguments args) {
        double cost = PluginCalls.run(service, () -> m.cost().cost(args), service.name() + "." + m.name() + " cost");
        if (!Double.isFinite(cost) || cost < 0) {
            throw PluginCalls.serviceError(service.name() + "." + m.name(), new IllegalStateException("cost function returned " + cost));
        }
        return cost;
    }

    private static Object invoke(DeployedService service, ServiceMethod m, Call call, Duration limit) {
        Object result = PluginCalls.runWithin(service, () -> m.immediateHandler().handle(call),
                service.name() + "." + m.name(), limit);
        try {
            JsonMapping.mapper().writeValueAsBytes(result);
        } catch (JsonProcessingException e) {
            throw PluginCalls.serviceError(service.name() + "." + m.name(), e);
        }
        return result;
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 128 ? p.substring(0, 125) + "..." : p;
    }
}
