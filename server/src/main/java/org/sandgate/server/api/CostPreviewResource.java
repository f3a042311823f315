package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
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
import java.util.Optional;
import org.sandgate.server.admission.Admission;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.policy.GraduatedSecurity;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.services.ArgumentBinder;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ServiceNames;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;

/**
 * {@code POST /api/v1/cost/{path}/{method}}: what a call with these arguments would cost and whether
 * the caller's tier allows it, without running anything (graduated security made visible before a
 * call). The arguments are checked as a call checks them; every argument that does not fit is named
 * ({@code errors}), not only the first.
 */
@Path(ApiPaths.V1 + "/cost")
@Produces(MediaType.APPLICATION_JSON)
public final class CostPreviewResource {
    private final Deployer deployer;
    private final Policies policies;
    private final Admission admission;

    /** @param admission the rules a call is admitted by, asked here without running anything */
    public CostPreviewResource(Deployer deployer, Policies policies, Admission admission) {
        this.deployer = deployer;
        this.policies = policies;
        this.admission = admission;
    }

    @POST
    @Path("{service: .+}/{method}")
    @Consumes(MediaType.WILDCARD)
    public Map<String, Object> preview(@PathParam("service") List<PathSegment> service,
                                       @PathParam("method") String method, String body,
                                       @Context SecurityContext context) {
        String name = ServiceNames.fromSegments(service.stream().map(PathSegment::getPath).toList());
        DeployedService deployed = deployer.acquire(name).orElseThrow(() ->
                new Refusal(ErrorCode.NOT_FOUND, "no service named '" + Admission.printable(name) + "' is deployed"));
        try {
            ServiceMethod m = deployed.method(method).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                    "service " + name + " has no method '" + Admission.printable(method) + "'"));
            return preview(deployed, m, JsonMapping.argsOf(body), Callers.of(context));
        } finally {
            deployed.exit();
        }
    }

    private Map<String, Object> preview(DeployedService deployed, ServiceMethod m, JsonNode args, RequestCaller caller) {
        Arguments bound = bind(m.arguments(), args);
        double cost = Admission.cost(deployed, m, bound);
        GraduatedSecurity security = policies.current().security();
        Tier tier = caller.identity().tier();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("service", deployed.name());
        answer.put("method", m.name());
        answer.put("kind", m.kind().name().toLowerCase());
        answer.put("cost", cost);
        answer.put("tier", tier.wireName());
        answer.put("cost_limit", policies.current().config().tiers().limits().of(tier));
        answer.put("allowed", security.allows(tier, cost));
        answer.put("required_tier", security.lowestAllowing(cost).map(Tier::wireName).orElse(null));
        answer.put("refusal", admission.refusalBesidesCost(caller, m).map(r -> Map.of("error", r.code(), "message", r.getMessage()))
                .orElse(null));
        return answer;
    }

    /**
     * The arguments bound as a call binds them; when they do not fit, {@code 400 invalid_argument}
     * naming the first argument (as a call does) with {@code errors} for each one that does not fit.
     */
    static Arguments bind(List<Argument> schema, JsonNode args) {
        try {
            return ArgumentBinder.bind(schema, args);
        } catch (ArgumentBinder.InvalidArgumentException first) {
            Map<String, Object> details = new LinkedHashMap<>(first.details());
            details.put("errors", fieldErrors(schema, args, first));
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, first.getMessage(), details);
        }
    }

    private static List<Map<String, Object>> fieldErrors(List<Argument> schema, JsonNode args,
                                                         ArgumentBinder.InvalidArgumentException first) {
        ObjectNode byName = JsonNodeFactory.instance.objectNode();
        if (args != null && args.isArray() && args.size() <= schema.size()) {
            for (int i = 0; i < args.size(); i++) {
                byName.set(schema.get(i).name(), args.get(i));
            }
        } else if (args != null && args.isObject()) {
            byName = (ObjectNode) args;
        } else if (args != null && !args.isNull()) {
            return List.of(Map.of("message", first.getMessage()));
        }
        List<Map<String, Object>> errors = new ArrayList<>();
        for (Argument a : schema) {
            ObjectNode one = JsonNodeFactory.instance.objectNode();
            if (byName.has(a.name())) {
                one.set(a.name(), byName.get(a.name()));
            }
            try {
                ArgumentBinder.bind(List.of(a), one);
            } catch (ArgumentBinder.InvalidArgumentException e) {
                errors.add(Map.of("argument", a.name(), "message", e.getMessage()));
            }
        }
        if (errors.isEmpty()) {
            // not one argument's fault: too many, or a name the method does not take
            errors.add(first.details().containsKey("argument")
                    ? Map.of("argument", first.details().get("argument"), "message", first.getMessage())
                    : Map.of("message", first.getMessage()));
        }
        return errors;
    }

}
