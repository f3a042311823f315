package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.services.Deployer;
import org.sandgate.server.services.ServiceNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploying services over the API, for the developers group (and admins): upload a jar or a YAML
 * command service, remove it, read what the deploy directory holds and why files are not deployed.
 * Everyone else gets {@code 403 not_authorized}.
 */
@Path(ApiPaths.V1 + "/admin/services")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminServicesResource {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServicesResource.class);

    private final Deployer deployer;
    private final Policies policies;
    private final AuditLog audit;

    public AdminServicesResource(Deployer deployer, Policies policies, AuditLog audit) {
        this.deployer = deployer;
        this.policies = policies;
        this.audit = audit;
    }

    private RequestCaller developer(SecurityContext context) {
        RequestCaller caller = Callers.of(context);
        caller.identity().requireLaunchRights("deploy or remove services");
        if (!policies.current().roles().isDeveloper(caller.identity())) {
            LOG.warn("refused a service deployment request from {}: not a developer",
                    caller.identity().dn().orElse("an anonymous caller"));
            throw new Refusal(ErrorCode.NOT_AUTHORIZED,
                    "only the developers group (key 'developers', strong certificates) may deploy services");
        }
        return caller;
    }

    private static String checkedName(String name) {
        if (!ServiceNames.isValid(name)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "'" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a service name (dotted lower-case words)");
        }
        return name;
    }

    /** The files of the deploy directory, what each deploys and why it is not deployed as it is. */
    @GET
    public Map<String, Object> files(@Context SecurityContext context) {
        developer(context);
        return Map.of("files", deployer.files().stream().map(f -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("file", f.file());
            d.put("services", f.services());
            d.put("problem", f.problem().orElse(null));
            return d;
        }).toList());
    }

    /** Deploys (or redeploys) a service from a jar or a YAML command service in the body. */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.WILDCARD)
    public Response install(@PathParam("name") String name, byte[] body, @Context SecurityContext context)
            throws IOException {
        RequestCaller caller = developer(context);
        checkedName(name);
        if (body == null || body.length == 0) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, "the body must be a service jar or a YAML command service");
        }
        Deployer.Outcome outcome = deployer.install(name, body);
        if (outcome.problem().isPresent()) {
            LOG.warn("{} not deployed for {}: {}", outcome.file(), caller.identity().dn().orElse("?"), outcome.problem().get());
            throw new Refusal(ErrorCode.DEPLOY_FAILED, outcome.file() + ": " + outcome.problem().get(),
                    Map.of("file", outcome.file()));
        }
        LOG.info("{} deployed by {}: {}", outcome.file(), caller.identity().dn().orElse("?"), outcome.services());
        audit.admin(caller.getName(), "deploy", Map.of("file", outcome.file(), "services", outcome.services()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("file", outcome.file());
        answer.put("services", outcome.services());
        return Response.ok(answer).build();
    }

    /** Removes the file that deploys a service. */
    @DELETE
    @Path("{name}")
    public Response remove(@PathParam("name") String name, @Context SecurityContext context) throws IOException {
        RequestCaller caller = developer(context);
        if (!deployer.remove(checkedName(name))) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no file deploys a service named " + name);
        }
        LOG.info("service {} removed by {}", name, caller.identity().dn().orElse("?"));
        audit.admin(caller.getName(), "undeploy", Map.of("service", name));
        return Response.noContent().build();
    }
}
