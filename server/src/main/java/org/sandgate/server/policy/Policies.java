package org.sandgate.server.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.sandgate.server.config.ConfigKeys;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMap;
import org.sandgate.server.identity.TierPolicy;

/**
 * The parts of the configuration that take effect without a restart, built into the objects that
 * apply them, and swapped as one when an administrator reloads the configuration: the tiers (weak
 * issuers, ceilings, account rules), anonymous access, developers and admins, the authorization
 * callout and the token settings, the fair shares, the proxy and identity rules (the keys marked
 * {@link org.sandgate.server.config.Live}). Everything else is read at start; a reload reports which
 * of those keys changed and need a restart.
 */
public final class Policies {

    /**
     * The policies in force.
     *
     * @param config   the configuration they came from
     * @param tiers    weak or strong, by issuer
     * @param accounts identity to local accounts
     * @param security cost against the tier ceilings
     * @param roles    developers and admins
     */
    public record Current(SandgateConfig config, TierPolicy tiers, AccountPolicy accounts, GraduatedSecurity security,
                          Roles roles) {
    }

    private final Supplier<GridMap> gridmap;
    private final AtomicReference<Current> current = new AtomicReference<>();

    public Policies(SandgateConfig config, Supplier<GridMap> gridmap) {
        this.gridmap = gridmap;
        replace(config);
    }

    public Current current() {
        return current.get();
    }

    /** Puts a new configuration's policies in force (the configuration was checked already). */
    public void replace(SandgateConfig config) {
        current.set(new Current(config, new TierPolicy(config.tiers().weakIssuers()),
                new AccountPolicy(config.tiers().accounts(), gridmap, config.identity().ambiguousSubjects()), new GraduatedSecurity(config.tiers().limits()),
                new Roles(config.developers(), config.admins())));
    }

    /**
     * The keys that changed between two configurations and only take effect after a restart: those
     * not marked {@link org.sandgate.server.config.Live} where they are declared.
     */
    public static List<String> restartNeeded(SandgateConfig before, SandgateConfig after) {
        return ConfigKeys.restartNeeded(before, after);
    }
}
