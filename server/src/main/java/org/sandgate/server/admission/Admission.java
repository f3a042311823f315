package org.sandgate.server.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.sandgate.sandbox.Session;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.authz.AuthzCallout;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.errors.RetryLaterRefusal;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.services.ArgumentBinder;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.PluginCalls;
import org.sandgate.server.sessions.SessionManager;
import org.sandgate.server.sessions.SessionQuota;
import org.sandgate.service.Arguments;
import org.sandgate.service.Call;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a call may run, every rule in the order a caller meets them: the method exists, the
 * credential may launch work (no limited proxy), the caller has an account, the arguments fit, the
 * cost is within the tier's ceiling, the server is not draining (jobs), the site's callout allows it,
 * and the caller holds fewer sessions than its limit (jobs). Every decision is audited, allowed or
 * refused and why; a refusal is thrown as the {@link Refusal} the client is answered with.
 */
public final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** Seconds a caller over its session limit is told to wait. */
    static final long RETRY_AFTER_SECONDS = 30;

    private final Policies policies;
    private final AuthzCallout callout;
    private final AuditLog audit;
    private final Drain drain;
    private final SessionQuota quota;
    private final SessionManager sessions;

    /**
     * @param quota    the sessions each caller holds, against {@code limits.sessions}
     * @param sessions where admitted jobs are launched
     */
    public Admission(Policies policies, AuthzCallout callout, AuditLog audit, Drain drain, SessionQuota quota,
                     SessionManager sessions) {
        this.policies = policies;
        this.callout = callout;
        this.audit = audit;
        this.drain = drain;
        this.quota = quota;
        this.sessions = sessions;
    }

    /** The owner recorded for a caller's sessions: its DN as shown. */
    public static String ownerOf(RequestCaller caller) {
        return caller.identity().dn().orElse(RequestCaller.ANONYMOUS);
    }

    /** The owner key recorded for a caller's sessions: the canonical subject, which decides ownership. */
    public static String ownerKeyOf(RequestCaller caller) {
        return caller.identity().canonical().orElse(RequestCaller.ANONYMOUS);
    }

    /**
     * Admits a call of {@code method} on one version of a service (entered for the call by the
     * caller), with {@code args} as the request gave them ({@code null}: none). An immediate call
     * is audited as allowed here; a job's when its session is made ({@link #launch}).
     *
     * @throws Refusal why the call may not run (audited)
     */
    public AdmittedCall admit(RequestCaller caller, DeployedService service, String method, JsonNode args) {
        String what = service.name() + "." + method;
        Double cost = null;
        ServiceMethod m;
        Call call;
        try {
            m = service.method(method).orElseThrow(() -> new Refusal(ErrorCode.NOT_FOUND,
                    "service " + service.name() + " has no method '" + printable(method) + "'"));
            requireStanding(caller, m);
            Arguments bound = ArgumentBinder.bind(m.arguments(), args);
            cost = cost(service, m, bound);
            policies.current().security().check(caller.identity().tier(), cost);
            requireOpen(m);
            call = new Call(caller.toCaller(), bound, cost);
        } catch (Refusal refused) {
            deny(caller, what, cost, refused.code() + ": " + refused.getMessage());
            throw refused;
        }
        authorize(caller, service.name(), m.name(), cost);
        if (m.kind() != ServiceMethod.Kind.JOB) {
            audit.decision(caller.auditFields(), what, cost, "allow", "", null);
            return new AdmittedCall(service, m, call, caller, Optional.empty());
        }
        return new AdmittedCall(service, m, call, caller, Optional.of(reserveSession(caller, what, cost)));
    }

    /**
     * Makes the session of an admitted job, which then holds the caller's slot; the decision is
     * audited with the session's id. If the session cannot be made the slot is given back.
     */
    public Session launch(AdmittedCall admitted) {
        SessionQuota.Reservation slot = admitted.slot()
                .orElseThrow(() -> new IllegalArgumentException(admitted.what() + " is not a job"));
        RequestCaller caller = admitted.caller();
        Session session;
        try {
            session = sessions.launch(admitted.service(), admitted.method(), admitted.call(), ownerOf(caller),
                    ownerKeyOf(caller), caller.requireAccount());
        } catch (RuntimeException e) {
            quota.release(slot);
            throw e;
        }
        quota.bind(slot, session.id());
        audit.decision(caller.auditFields(), admitted.what(), admitted.call().cost(), "allow", "", session.id().value());
        return session;
    }

    /**
     * What would refuse a call of {@code m} by this caller whatever its arguments and cost (a limited
     * proxy, no account, drain mode): the rules {@link #admit} applies besides the cost, for a
     * preview that runs nothing. Nothing is audited.
     */
    public Optional<Refusal> refusalBesidesCost(RequestCaller caller, ServiceMethod m) {
        try {
            requireStanding(caller, m);
            requireOpen(m);
            return Optional.empty();
        } catch (Refusal refused) {
            return Optional.of(refused);
        }
    }

    /** The credential may launch this kind of work and the caller has an account. */
    private static void requireStanding(RequestCaller caller, ServiceMethod m) {
        caller.identity().requireLaunchRights(m.kind() == ServiceMethod.Kind.JOB ? "launch jobs" : "call services");
        caller.requireAccount();
    }

    /** A draining server takes no new jobs (immediate calls still run). */
    private void requireOpen(ServiceMethod m) {
        if (m.kind() == ServiceMethod.Kind.JOB && drain.isOn()) {
            throw new Refusal(ErrorCode.DRAINING, "the server is draining: it takes no new jobs now");
        }
    }

    private void deny(RequestCaller caller, String what, Double cost, String reason) {
        audit.decision(caller.auditFields(), what, cost, "deny", reason, null);
    }

    /** Asks the site's authorization callout, when there is one. */
    private void authorize(RequestCaller caller, String service, String method, double cost) {
        if (!callout.enabled()) {
            return;
        }
        AuthzCallout.Decision decision = callout.decide(caller, service, method, cost);
        if (!decision.allowed()) {
            String what = service + "." + method;
            LOG.info("the authorization callout denied {} to {}: {}", what, caller.getName(), decision.reason());
            deny(caller, what, cost, "not_authorized: callout: " + decision.reason());
            throw new Refusal(ErrorCode.NOT_AUTHORIZED, "the site's authorization policy does not allow this call");
        }
    }

    /** A session slot of the caller's, or {@code 429 too_many_sessions} (audited) when it holds them all. */
    private SessionQuota.Reservation reserveSession(RequestCaller caller, String what, double cost) {
        Tier tier = caller.identity().tier();
        int limit = policies.current().config().limits().sessions().of(tier);
        String who = callerKey(caller);
        return quota.reserve(who, limit).orElseThrow(() -> {
            String message = "at most " + limit + " sessions of a " + tier.wireName()
                    + " caller may be queued or running at once (limits.sessions); try again when one has ended";
            LOG.info("refused a session to {}: {} queued or running", who, limit);
            deny(caller, what, cost, "too_many_sessions: " + message);
            return new RetryLaterRefusal(ErrorCode.TOO_MANY_SESSIONS, message, Map.of("limit", limit),
                    RETRY_AFTER_SECONDS);
        });
    }

    /** Who a caller is for limits per caller: its canonical subject, or its address when anonymous. */
    public static String callerKey(RequestCaller caller) {
        return caller.identity().canonical().orElse(RequestCaller.ANONYMOUS + "@" + caller.address());
    }

    /**
     * What a call of {@code m} with these arguments costs, by the method's own cost function.
     *
     * @throws Refusal {@code service_error} when the function fails or answers no finite, non-negative cost
     */
    public static double cost(DeployedService service, ServiceMethod m, Arguments args) {
        double cost = PluginCalls.run(service, () -> m.cost().cost(args), service.name() + "." + m.name() + " cost");
        if (!Double.isFinite(cost) || cost < 0) {
            throw PluginCalls.serviceError(service.name() + "." + m.name(),
                    new IllegalStateException("cost function returned " + cost));
        }
        return cost;
    }

    /** A name from the request as it may be shown back: no control characters, at most 128 characters. */
    public static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 128 ? p.substring(0, 125) + "..." : p;
    }
}
