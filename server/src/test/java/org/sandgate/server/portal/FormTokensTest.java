package org.sandgate.server.portal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.RequestCaller;

/** An anti-forgery token is good for its caller, its form and its lifetime only. */
class FormTokensTest {
    private static final RequestCaller HERE = new RequestCaller(Identity.anonymous(), List.of(), "192.0.2.1");
    private static final RequestCaller THERE = new RequestCaller(Identity.anonymous(), List.of(), "192.0.2.2");
    private static final String FORM = "/portal/services/sleepy/add";

    private final MutableClock clock = new MutableClock();
    private final FormTokens tokens = new FormTokens(clock, Duration.ofHours(1));

    @Test
    void aTokenIsGoodForItsCallerAndForm() {
        assertTrue(tokens.valid(tokens.issue(HERE, FORM), HERE, FORM));
    }

    @Test
    void anotherCallersTokenIsRefused() {
        assertFalse(tokens.valid(tokens.issue(THERE, FORM), HERE, FORM));
    }

    @Test
    void anotherFormsTokenIsRefused() {
        assertFalse(tokens.valid(tokens.issue(HERE, "/portal/admin/drain"), HERE, FORM));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = tokens.issue(HERE, FORM);
        clock.now = clock.now.plus(Duration.ofMinutes(61));
        assertFalse(tokens.valid(token, HERE, FORM));
    }

    @Test
    void aTokenOfAnotherKeyIsRefused() {
        assertFalse(tokens.valid(new FormTokens(clock, Duration.ofHours(1)).issue(HERE, FORM), HERE, FORM));
    }

    @Test
    void aTokenWithALaterExpiryWrittenInIsRefused() {
        byte[] raw = Base64.getUrlDecoder().decode(tokens.issue(HERE, FORM));
        raw[0] = 0x7f;
        assertFalse(tokens.valid(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), HERE, FORM));
    }

    @Test
    void garbageIsRefused() {
        for (String bad : new String[] {null, "", "AAAA", "!!!", "x".repeat(200)}) {
            assertFalse(tokens.valid(bad, HERE, FORM), String.valueOf(bad));
        }
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
