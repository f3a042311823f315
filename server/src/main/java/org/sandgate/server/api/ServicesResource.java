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
import jakarta.ws.rs.core.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.policy.GraduatedSecurity;
import org.sandgate.server.services.ArgumentBinder;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.ServiceNames;
import org.sandgate.server.services.ServiceRegistry;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;
import org.sandgate.service.Call;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private final ServiceRegistry registry;
    private final GraduatedSecurity security;
    private final SandgateConfig.TierLimits limits;

    public ServicesResource(ServiceRegistry registry, SandgateConfig.TierLimits limits) {
        this.registry = registry;
        this.security = new GraduatedSecurity(limits);
        this.limits = limits;
    }

    @GET
    public Map<String, Object> list() {
        List<Map<String, Object>> services = new ArrayList<>();
        for (DeployedService s : registry.all()) {
            List<Map<String, Object>> methods = new ArrayList<>();
            for (ServiceMethod m : s.methods().values()) {
                Map<String, Object> method = new LinkedHashMap<>();
                method.put("name", m.name());
                method.put("kind", "immediate");
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
        return Map.of("services", services, "cost_limits", tiers);
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
    public Map<String, Object> call(@PathParam("service") List<PathSegment> service, @PathParam("method") String method,
                                    String body, @Context SecurityContext context) {
        String name = ServiceNames.fromSegments(service.stream().map(PathSegment::getPath).toList());
        DeployedService deployed = registry.find(name).orElseThrow(() ->
                new ApiException(404, "not_found", "no service named '" + printable(name) + "' is deployed"));
        ServiceMethod m = deployed.method(method).orElseThrow(() ->
                new ApiException(404, "not_found", "service " + name + " has no method '" + printable(method) + "'"));
        RequestCaller caller = RequestCaller.of(context);
        caller.requireAccount();
        Arguments args = ArgumentBinder.bind(m.arguments(), argsOf(body));
        double cost = cost(deployed, m, args);
        security.check(caller.identity().tier(), cost);
        Object result = invoke(deployed, m, new Call(caller.toCaller(), args, cost));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", result);
        return answer;
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
        double cost = inPlugin(service, () -> m.cost().cost(args), service.name() + "." + m.name() + " cost");
        if (!Double.isFinite(cost) || cost < 0) {
            throw serviceError(service.name() + "." + m.name(), new IllegalStateException("cost function returned " + cost));
        }
        return cost;
    }

    private static Object invoke(DeployedService service, ServiceMethod m, Call call) {
        Object result = inPlugin(service, () -> m.immediateHandler().handle(call), service.name() + "." + m.name());
        try {
            JsonMapping.mapper().writeValueAsBytes(result);
        } catch (JsonProcessingException e) {
            throw serviceError(service.name() + "." + m.name(), e);
        }
        return result;
    }

    /** Runs plugin code with the plugin's class loader as context loader; any failure is a 500 service_error. */
    private static <T> T inPlugin(DeployedService service, PluginCode<T> code, String what) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(service.loader());
        try {
            return code.run();
        } catch (ApiException e) {
            throw e;
        } catch (Exception | LinkageError | StackOverflowError e) {
            throw serviceError(what, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private interface PluginCode<T> {
        T run() throws Exception;
    }

    private static ApiException serviceError(String what, Throwable e) {
        String id = UUID.randomUUID().toString();
        LOG.warn("service error {} in {}", id, what, e);
        return new ApiException(500, "service_error", "the service failed; quote " + id + " to the administrator",
                Map.of("correlation_id", id));
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 128 ? p.substring(0, 125) + "..." : p;
    }
}
