package org.sandgate.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sandgate.server.config.ConfigLoader;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.gridmap.GridMap;
import org.sandgate.server.gridmap.GridMapEntry;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.identity.ProxyPolicyKind;
import org.sandgate.service.Tier;

/** The account rules of each tier, tried in order, over an in-memory grid-mapfile. */
class AccountPolicyTest {
    static final String ALICE = "/O=Grid/OU=Physics/CN=Alice";
    static final String BOB = "/O=Grid/OU=Chemistry/CN=Bob";

    final AtomicReference<GridMap> gridmap = new AtomicReference<>(
            new GridMap(List.of(new GridMapEntry(ALICE, List.of("alice", "physics"), 1))));

    static Identity person(Tier tier, String dn) {
        return person(tier, dn, Optional.empty());
    }

    static Identity person(Tier tier, String dn, Optional<String> ambiguity) {
        return new Identity(tier, Optional.of(new CertificateIdentity(dn, "CN=x", "/O=Grid/CN=CA", ProxyKind.NONE, false,
                Instant.now().plusSeconds(3600), "cn=x", ProxyPolicyKind.NONE, false, List.of("/O=Grid/CN=CA"),
                ambiguity, Optional.empty())));
    }

    /** The policy of a configuration (its YAML, as a site writes it) over the in-memory grid-mapfile. */
    AccountPolicy policy(String yaml) {
        SandgateConfig config = new ConfigLoader().parse("test", yaml);
        return new AccountPolicy(config.tiers().accounts(), gridmap::get, config.identity().ambiguousSubjects());
    }

    /** The policy whose strong tier has these rules (YAML flow list items). */
    AccountPolicy strong(String... rules) {
        return policy("tiers:\n  accounts:\n    strong: [" + String.join(", ", rules) + "]\n");
    }

    @Test
    void theGridMapfileGivesItsFirstAccountAndAllOfThem() {
        AccountPolicy p = strong("gridmap");
        assertEquals(Optional.of("alice"), p.accountFor(person(Tier.STRONG, ALICE)));
        assertEquals(List.of("alice", "physics"), p.accountsFor(person(Tier.STRONG, ALICE)));
        assertEquals(Optional.empty(), p.accountFor(person(Tier.STRONG, BOB)));
        assertEquals(List.of(), p.accountsFor(person(Tier.STRONG, BOB)));
    }

    @Test
    void theGridMapfileIsReadAnewOnEachCall() {
        AccountPolicy p = strong("gridmap");
        assertEquals(Optional.empty(), p.accountFor(person(Tier.STRONG, BOB)));
        gridmap.set(new GridMap(List.of(new GridMapEntry(BOB, List.of("bob"), 1))));
        assertEquals(Optional.of("bob"), p.accountFor(person(Tier.STRONG, BOB)));
        assertEquals(Optional.empty(), p.accountFor(person(Tier.STRONG, ALICE)), "a removed line maps no more");
    }

    @Test
    void rulesAreTriedInOrderAndTheFirstThatGivesAnAccountWins() {
        AccountPolicy p = strong("gridmap", "{dn: \"/O=Grid/OU=Chemistry/*\", account: chem}", "\"account:guest\"");
        assertEquals(Optional.of("alice"), p.accountFor(person(Tier.STRONG, ALICE)));
        assertEquals(Optional.of("chem"), p.accountFor(person(Tier.STRONG, BOB)));
        assertEquals(List.of("chem"), p.accountsFor(person(Tier.STRONG, BOB)));
        assertEquals(Optional.of("guest"), p.accountFor(person(Tier.STRONG, "/O=Elsewhere/CN=Eve")));
    }

    @Test
    void aDnPatternMatchesWholeComparisonKeysWithStarForAnyRun() {
        AccountPolicy p = strong("{dn: \"/O=Grid/OU=Physics/*\", account: phys}");
        assertEquals(Optional.of("phys"), p.accountFor(person(Tier.STRONG, ALICE)));
        assertEquals(Optional.of("phys"), p.accountFor(person(Tier.STRONG, "/o=Grid/ou=Physics/CN=Carol")),
                "attribute names compare without case, as the DN comparison key does");
        assertEquals(Optional.empty(), p.accountFor(person(Tier.STRONG, "/O=Grid/OU=Physicsx/CN=Carol")));
        assertEquals(Optional.empty(), p.accountFor(person(Tier.STRONG, "/O=Other/O=Grid/OU=Physics/CN=Carol")),
                "the pattern is anchored at the start");
        AccountPolicy dots = strong("{dn: \"/O=Grid/OU=Phys.cs/*\", account: phys}");
        assertEquals(Optional.empty(), dots.accountFor(person(Tier.STRONG, ALICE)), "only * is special");
    }

    @Test
    void eachTierHasItsOwnRulesAndAnonymousGetsTheFixedOneOnly() {
        AccountPolicy p = policy("""
                tiers:
                  accounts:
                    anonymous: "account:anon"
                    weak: "account:weakling"
                    strong: gridmap
                """);
        assertEquals(Optional.of("anon"), p.accountFor(Identity.anonymous()));
        assertEquals(Optional.of("weakling"), p.accountFor(person(Tier.WEAK, ALICE)), "the weak tier's rule, not the grid-mapfile");
        assertEquals(Optional.of("alice"), p.accountFor(person(Tier.STRONG, ALICE)));

        AccountPolicy mapped = policy("tiers:\n  accounts:\n    anonymous: [gridmap, {dn: \"*\", account: any}]\n");
        assertEquals(Optional.empty(), mapped.accountFor(Identity.anonymous()), "no DN: no grid-mapfile line, no pattern");
    }

    @Test
    void theDefaultsAreNobodyForAnonymousAndTheGridMapfileForTheOthers() {
        AccountPolicy p = policy("{}\n");
        assertEquals(Optional.of("nobody"), p.accountFor(Identity.anonymous()));
        assertEquals(Optional.of("alice"), p.accountFor(person(Tier.WEAK, ALICE)));
        assertEquals(Optional.empty(), p.accountFor(person(Tier.WEAK, BOB)));
    }

    @Test
    void anAmbiguousSubjectGetsNoAccountUnlessAllowedAndThenOnlyFromAFixedRule() {
        Identity spoof = person(Tier.STRONG, ALICE, Optional.of("an OU value holds '/CN='"));
        String rules = "tiers:\n  accounts:\n    strong: [gridmap, {dn: \"/O=Grid/*\", account: grid}, \"account:guest\"]\n";
        AccountPolicy refuse = policy(rules);
        assertEquals(Optional.empty(), refuse.accountFor(spoof));
        assertEquals(List.of(), refuse.accountsFor(spoof));

        AccountPolicy allow = policy(rules + "identity:\n  ambiguous_subjects: allow\n");
        assertEquals(Optional.of("guest"), allow.accountFor(spoof), "not alice's line, not the pattern: the fixed account");
        assertEquals(List.of("guest"), allow.accountsFor(spoof));
    }
}
