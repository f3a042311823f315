package org.sandgate.server.api;

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
import org.sandgate.server.sessions.SessionManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.policy.GraduatedSecurity;
import org.sandgate.server.services.ArgumentBinder;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.server.services.ServiceNames;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ServiceRegistry;
import org.sandgate.server.policy.Roles;
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
    private final Deployer deployer;
    private final GraduatedSecurity security;
    private final SandgateConfig.TierLimits limits;
    private final SessionManager sessions;
    private final Roles roles;
    private final Duration immediateTimeout;

    public ServicesResource(Deployer deployer, SandgateConfig config, SessionManager sessions, Roles roles) {
        this.deployer = deployer;
        this.sessions = sessions;
        this.limits = config.tiers().limits();
        this.security = new GraduatedSecurity(limits);
        this.roles = roles;
        this.immediateTimeout = Duration.ofSeconds(config.services().immediateTimeoutSeconds());
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
        for (Tier t : Tier.values()) {
            tiers.put(t.wireName(), limits.of(t));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("services", services);
        answer.put("cost_limits", tiers);
        if (roles.isDeveloper(RequestCaller.of(context).identity())) {
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
        a.min().ifPresent(v -> d.put("min", v));
        a.max().ifPresent(v -> d.put("max", v));
        a.pattern().ifPresent(p -> d.put("pattern", p.pattern()));
        a.allowed().ifPresent(v -> d.put("enum", v));
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
                new ApiException(404, "not_found", "no service named '" + printable(name) + "' is deployed"));
        try {
            return call(deployed, name, method, body, context, uri);
        } finally {
            deployed.exit();
        }
    }

    /** A call on one version of a service, which stays deployed for the call even if it is replaced meanwhile. */
    private Response call(DeployedService deployed, String name, String method, String body, SecurityContext context,
                          UriInfo uri) {
        ServiceMethod m = deployed.method(method).orElseThrow(() ->
                new ApiException(404, "not_found", "service " + name + " has no method '" + printable(method) + "'"));
        RequestCaller caller = RequestCaller.of(context);
        caller.requireAccount();
        Arguments args = ArgumentBinder.bind(m.arguments(), argsOf(body));
        double cost = cost(deployed, m, args);
        security.check(caller.identity().tier(), cost);
        Call call = new Call(caller.toCaller(), args, cost);
        if (m.kind() == ServiceMethod.Kind.JOB) {
            Session session = sessions.launch(deployed, m, call, SessionsResource.ownerOf(caller),
                    caller.requireAccount());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("session", session.id().value());
            answer.put("url", SessionsResource.sandboxUrl(uri, session.id()));
            answer.put("status_url", SessionsResource.statusUrl(uri, session.id()));
            answer.put("state", session.state().name());
            return Response.created(java.net.URI.create(SessionsResource.statusUrl(uri, session.id())))
                    .entity(answer).build();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", invoke(deployed, m, call, immediateTimeout));
        return Response.ok(answer).build();
    }

    private static JsonNode argsOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode root;
        try {
            root = JsonMapping.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "invalid_json", "the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(400, "invalid_json", "the request body must be a JSON object {\"args\": ...}");
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
