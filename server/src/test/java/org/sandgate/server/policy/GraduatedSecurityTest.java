package org.sandgate.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.service.Tier;

class GraduatedSecurityTest {
    private final GraduatedSecurity security = new GraduatedSecurity(new SandgateConfig.TierLimits(60L, 3600L, -1L));

    @Test
    void callsWithinTheCeilingPass() {
        security.check(Tier.ANONYMOUS, 60);
        security.check(Tier.WEAK, 3600);
        security.check(Tier.STRONG, 1e12);
    }

    @Test
    void aCallOverTheCeilingNamesTheWeakestTierThatIsEnough() {
        GraduatedSecurity.InsufficientCredentialException e = assertThrows(
                GraduatedSecurity.InsufficientCredentialException.class, () -> security.check(Tier.ANONYMOUS, 61));
        assertEquals("weak", e.details().get("required_tier"));
        assertEquals(403, e.status());
        e = assertThrows(GraduatedSecurity.InsufficientCredentialException.class, () -> security.check(Tier.ANONYMOUS, 4000));
        assertEquals("strong", e.details().get("required_tier"));
    }

    @Test
    void theRefusalNamesTheCallersTierInPlainWords() {
        GraduatedSecurity.InsufficientCredentialException anonymous = assertThrows(
                GraduatedSecurity.InsufficientCredentialException.class, () -> security.check(Tier.ANONYMOUS, 61));
        assertEquals("this call costs 61 CPU-seconds; anonymous calls may cost at most 60; a weak credential is needed",
                anonymous.getMessage());
        GraduatedSecurity.InsufficientCredentialException weak = assertThrows(
                GraduatedSecurity.InsufficientCredentialException.class, () -> security.check(Tier.WEAK, 3600.5));
        assertEquals("this call costs 3600.5 CPU-seconds; calls with a weak credential may cost at most 3600; "
                + "a strong credential is needed", weak.getMessage());
    }

    @Test
    void whenNoTierIsEnoughTheAnswerSaysSo() {
        GraduatedSecurity capped = new GraduatedSecurity(new SandgateConfig.TierLimits(1L, 2L, 3L));
        GraduatedSecurity.InsufficientCredentialException e = assertThrows(
                GraduatedSecurity.InsufficientCredentialException.class, () -> capped.check(Tier.STRONG, 4));
        assertEquals(null, e.details().get("required_tier"));
    }

    @Test
    void theLowestTierAllowingACostIsNamed() {
        assertEquals(java.util.Optional.of(Tier.ANONYMOUS), security.lowestAllowing(60));
        assertEquals(java.util.Optional.of(Tier.WEAK), security.lowestAllowing(61));
        assertEquals(java.util.Optional.of(Tier.STRONG), security.lowestAllowing(1e9));
        assertEquals(java.util.Optional.empty(),
                new GraduatedSecurity(new SandgateConfig.TierLimits(1L, 2L, 3L)).lowestAllowing(4));
    }
}
