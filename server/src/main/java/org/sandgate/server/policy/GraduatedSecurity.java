package org.sandgate.server.policy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.service.Tier;

/**
 * Graduated security: the cost of a call, in CPU-seconds, against the ceiling of the caller's tier.
 * A call over the ceiling is refused before anything runs, naming the tier that would be enough.
 */
public final class GraduatedSecurity {
    private final SandgateConfig.TierLimits limits;

    public GraduatedSecurity(SandgateConfig.TierLimits limits) {
        this.limits = limits;
    }

    /** The call is over the ceiling of the caller's tier. */
    public static final class InsufficientCredentialException extends Refusal {
        InsufficientCredentialException(String message, Map<String, Object> details) {
            super(ErrorCode.INSUFFICIENT_CREDENTIAL, message, details);
        }
    }

    /**
     * Checks a cost.
     *
     * @throws InsufficientCredentialException when it is over the tier's ceiling
     */
    public void check(Tier tier, double cost) {
        if (allows(tier, cost)) {
            return;
        }
        Tier enough = null;
        for (Tier t : Tier.values()) {
            if (t.compareTo(tier) > 0 && allows(t, cost)) {
                enough = t;
                break;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cost", cost);
        details.put("tier", tier.wireName());
        details.put("limit", limits.of(tier));
        details.put("required_tier", enough == null ? null : enough.wireName());
        String message = "this call costs " + format(cost) + " CPU-seconds; " + callsOf(tier) + " may cost at most "
                + limits.of(tier) + (enough == null ? "; no tier on this server allows it"
                        : "; a " + enough.wireName() + " credential is needed");
        throw new InsufficientCredentialException(message, details);
    }

    /** The calls of a tier, as a sentence names them: an anonymous caller has no credential to speak of. */
    private static String callsOf(Tier tier) {
        return tier == Tier.ANONYMOUS ? "anonymous calls" : "calls with a " + tier.wireName() + " credential";
    }

    /** The lowest tier whose ceiling allows this cost, if any does. */
    public java.util.Optional<Tier> lowestAllowing(double cost) {
        for (Tier t : Tier.values()) {
            if (allows(t, cost)) {
                return java.util.Optional.of(t);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether a tier's ceiling allows this cost. */
    public boolean allows(Tier tier, double cost) {
        long limit = limits.of(tier);
        return limit < 0 || cost <= limit;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
