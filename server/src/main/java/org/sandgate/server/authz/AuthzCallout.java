package org.sandgate.server.authz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.sandgate.process.CommandException;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.process.ProgramEnvironment;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.identity.RequestCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's authorization callout: before a call that needs an account runs, a program of the
 * site's gets one JSON document on its standard input and allows the call by exiting 0. Any other
 * exit, a crash or a timeout denies it. What the program writes to stderr goes to the server's log
 * (the first 2 KB of it), never to the client. Decisions may be cached per DN, service and method.
 */
public final class AuthzCallout {
    private static final Logger LOG = LoggerFactory.getLogger(AuthzCallout.class);
    private static final ObjectMapper JSON = org.sandgate.server.json.StrictJson.mapper();
    private static final int LOGGED = 2048;

    /** A decision: allowed or not, and why (for the log and the audit, never for the client). */
    public record Decision(boolean allowed, String reason) {
    }

    private record Cached(Decision decision, Instant until) {
    }

    private final Supplier<SandgateConfig.Authz> settings;
    private final Clock clock;
    private final Map<List<String>, Cached> cache = new ConcurrentHashMap<>();

    public AuthzCallout(Supplier<SandgateConfig.Authz> settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether a callout is configured. */
    public boolean enabled() {
        return !settings.get().callout().isBlank();
    }

    /** Forgets cached decisions (after the configuration was reloaded). */
    public void forget() {
        cache.clear();
    }

    /**
     * Asks the callout about a call of {@code service.method} at {@code cost} by this caller.
     */
    public Decision decide(RequestCaller caller, String service, String method, double cost) {
        return decide(document(caller, service, method, cost));
    }

    /**
     * The document the program reads: dn, issuer, tier, account, proxy, addr, service, method, cost,
     * and the token's claims when a token was used.
     */
    static Map<String, Object> document(RequestCaller caller, String service, String method, double cost) {
        Map<String, Object> request = new LinkedHashMap<>();
        var cert = caller.identity().certificate();
        request.put("dn", caller.identity().dn().orElse(null));
        request.put("issuer", cert.map(CertificateIdentity::issuer).orElse(null));
        request.put("tier", caller.identity().tier().wireName());
        request.put("account", caller.account().orElse(null));
        request.put("proxy", cert.map(c -> c.proxy() != ProxyKind.NONE).orElse(false));
        request.put("addr", caller.address());
        request.put("service", service);
        request.put("method", method);
        request.put("cost", cost);
        caller.identity().tokenClaims().ifPresent(claims -> request.put("token", claims));
        return request;
    }

    /** Asks the callout with its document made already (see {@link #document}). */
    Decision decide(Map<String, Object> request) {
        SandgateConfig.Authz authz = settings.get();
        List<String> key = List.of(String.valueOf(request.get("dn")), String.valueOf(request.get("service")),
                String.valueOf(request.get("method")));
        Instant now = clock.instant();
        if (!authz.cacheFor().isZero()) {
            Cached hit = cache.get(key);
            if (hit != null && hit.until().isAfter(now)) {
                return hit.decision();
            }
        }
        Decision decision = run(authz, request);
        if (!authz.cacheFor().isZero()) {
            cache.put(key, new Cached(decision, now.plus(authz.cacheFor())));
        }
        return decision;
    }

    private static Decision run(SandgateConfig.Authz authz, Map<String, Object> request) {
        String program = authz.callout();
        byte[] input;
        try {
            input = JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            return new Decision(false, "the request could not be written for the callout: " + e.getMessage());
        }
        CommandResult r;
        try {
            r = new Commands(authz.timeout()).run(List.of(program),
                    ProgramEnvironment.fixed(), Path.of("/"), input);
        } catch (CommandException e) {
            LOG.warn("authorization callout {} failed: {}", program, e.getMessage());
            return new Decision(false, "callout failed: " + e.getMessage());
        }
        if (!r.stderr().isBlank()) {
            String said = r.stderr().length() > LOGGED ? r.stderr().substring(0, LOGGED) + "..." : r.stderr();
            LOG.info("authorization callout {} said: {}", program, said.strip().replace("\n", " / "));
        }
        if (r.exitCode() == 0) {
            return new Decision(true, "callout allowed");
        }
        String why = r.exitCode() > 128 ? "callout died of signal " + (r.exitCode() - 128) : "callout exit " + r.exitCode();
        return new Decision(false, why);
    }

}
