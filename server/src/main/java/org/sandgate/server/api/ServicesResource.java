package org.sandgate.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.sandbox.Session;
import org.sandgate.server.admission.Admission;
import org.sandgate.server.admission.AdmittedCall;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ImmediateCalls;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.server.services.ServiceNames;
import org.sandgate.server.services.ServiceRegistry;
import org.sandgate.service.Argument;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;

/**
 * {@code GET /api/v1/services}: what is deployed; {@code POST /api/v1/services/{path}/{method}}:
 * calls a method once {@link Admission} has admitted the call: an immediate method's result, or a
 * job's new session ({@code 201}, its status URL as {@code Location}).
 */
@Path(ApiPaths.V1 + "/services")
@Produces(MediaType.APPLICATION_JSON)
public final class ServicesResource {
    private final Deployer deployer;
    private final Policies policies;
    private final Admission admission;
    private final ImmediateCalls immediate;
    private final Duration immediateTimeout;

    /**
     * @param admission        decides whether a call runs, and launches admitted jobs
     * @param immediate        the threads immediate methods run on
     * @param immediateTimeout an immediate method still running after this is cut off
     */
    public ServicesResource(Deployer deployer, Policies policies, Admission admission, ImmediateCalls immediate,
                            Duration immediateTimeout) {
        this.deployer = deployer;
        this.policies = policies;
        this.admission = admission;
        this.immediate = immediate;
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
        // one version of the service, which stays deployed for the call even if it is replaced meanwhile
        DeployedService deployed = deployer.acquire(name).orElseThrow(() ->
                new Refusal(ErrorCode.NOT_FOUND, "no service named '" + Admission.printable(name) + "' is deployed"));
        try {
            AdmittedCall admitted = admission.admit(Callers.of(context), deployed, method, JsonMapping.argsOf(body));
            if (admitted.job()) {
                Session session = admission.launch(admitted);
                return Response.created(URI.create(SessionViews.statusUrl(uri.getBaseUri(), session.id())))
                        .entity(SessionViews.launched(session, uri.getBaseUri())).build();
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("result", invoke(admitted));
            return Response.ok(answer).build();
        } finally {
            deployed.exit();
        }
    }

    private Object invoke(AdmittedCall admitted) {
        ServiceMethod m = admitted.method();
        Object result = immediate.runWithin(admitted.service(), () -> m.immediateHandler().handle(admitted.call()),
                admitted.what(), immediateTimeout);
        try {
            JsonMapping.mapper().writeValueAsBytes(result);
        } catch (JsonProcessingException e) {
            throw PluginCalls.serviceError(admitted.what(), e);
        }
        return result;
    }
}
