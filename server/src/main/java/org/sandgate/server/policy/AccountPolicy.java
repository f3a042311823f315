package org.sandgate.server.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.sandgate.server.config.AccountRule;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMap;
import org.sandgate.server.gridmap.GridMapEntry;
import org.sandgate.server.identity.DistinguishedNames;
import org.sandgate.server.identity.Identity;
import org.sandgate.service.Tier;

/**
 * Maps an authenticated identity to the local account it may use, by the rules the configuration
 * gives each tier ({@code tiers.accounts}): the grid-mapfile, a fixed community account, or DN
 * patterns, tried in order. Kept apart from authentication: the identity is already proven here.
 */
public final class AccountPolicy {
    private final SandgateConfig.TierAccounts rules;
    private final Supplier<GridMap> gridmap;
    private final Map<AccountRule.DnPattern, Pattern> patterns;
    private final SandgateConfig.AmbiguousSubjects ambiguous;

    /**
     * @param rules   the account rules per tier
     * @param gridmap the current grid-mapfile contents (read anew on each call: it is reloaded)
     * @param ambiguous whether subjects with an ambiguous slash form get accounts (from fixed rules only)
     */
    public AccountPolicy(SandgateConfig.TierAccounts rules, Supplier<GridMap> gridmap,
                         SandgateConfig.AmbiguousSubjects ambiguous) {
        this.rules = rules;
        this.ambiguous = ambiguous;
        this.gridmap = gridmap;
        Map<AccountRule.DnPattern, Pattern> compiled = new HashMap<>();
        for (List<AccountRule> tierRules : rules.byTier().values()) {
            for (AccountRule rule : tierRules) {
                if (rule instanceof AccountRule.DnPattern p) {
                    compiled.put(p, globToRegex(p.dnGlob()));
                }
            }
        }
        this.patterns = Map.copyOf(compiled);
    }

    /** The account of this identity, or empty when the rules of its tier allow none. */
    public Optional<String> accountFor(Identity identity) {
        if (refusedAsAmbiguous(identity)) {
            return Optional.empty();
        }
        for (AccountRule rule : rules.of(identity.tier())) {
            Optional<String> account = apply(rule, identity);
            if (account.isPresent()) {
                return account;
            }
        }
        return Optional.empty();
    }

    /** Every account this identity may use; the first is the default. */
    public List<String> accountsFor(Identity identity) {
        if (refusedAsAmbiguous(identity)) {
            return List.of();
        }
        for (AccountRule rule : rules.of(identity.tier())) {
            if (rule instanceof AccountRule.Gridmap && identity.dn().isPresent() && identity.ambiguity().isEmpty()) {
                Optional<GridMapEntry> entry = gridmap.get().lookup(identity.dn().get());
                if (entry.isPresent()) {
                    return entry.get().accounts();
                }
            } else {
                Optional<String> account = apply(rule, identity);
                if (account.isPresent()) {
                    return List.of(account.get());
                }
            }
        }
        return List.of();
    }

    private Optional<String> apply(AccountRule rule, Identity identity) {
        if (rule instanceof AccountRule.Fixed f) {
            return Optional.of(f.account());
        }
        if (identity.tier() == Tier.ANONYMOUS || identity.dn().isEmpty()) {
            return Optional.empty();
        }
        if (identity.ambiguity().isPresent()) {
            // a slash form that can spell other RDNs matches no grid-mapfile line and no DN pattern
            return Optional.empty();
        }
        String dn = identity.dn().get();
        if (rule instanceof AccountRule.Gridmap) {
            return gridmap.get().lookup(dn).map(GridMapEntry::defaultAccount);
        }
        AccountRule.DnPattern p = (AccountRule.DnPattern) rule;
        return patterns.get(p).matcher(DistinguishedNames.comparisonKey(dn)).matches()
                ? Optional.of(p.account()) : Optional.empty();
    }

    /** Whether the subject's slash form is ambiguous and such subjects get no account. */
    public boolean refusedAsAmbiguous(Identity identity) {
        return identity.ambiguity().isPresent() && ambiguous == SandgateConfig.AmbiguousSubjects.REFUSE;
    }

    /** A DN glob ({@code *} = any run of characters) as a regex over comparison keys. */
    private static Pattern globToRegex(String glob) {
        String key = DistinguishedNames.comparisonKey(glob);
        String[] parts = key.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
