package org.sandgate.server.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class AwaitTest {
    @Test
    void looksAgainUntilTheValueIsDoneAndReturnsIt() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        int seen = Await.value(Duration.ofSeconds(10), looks::incrementAndGet, n -> n == 3);
        assertEquals(3, seen);
        assertEquals(3, looks.get());
    }

    @Test
    void returnsTheLastValueSeenWhenTheLimitPasses() throws Exception {
        long began = System.nanoTime();
        String seen = Await.value(Duration.ofMillis(300), () -> "QUEUED", "DONE"::equals);
        assertEquals("QUEUED", seen);
        assertTrue(System.nanoTime() - began >= Duration.ofMillis(300).toNanos());
    }

    @Test
    void untilFailsNamingWhatDidNotHappen() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Await.until("the job ends", Duration.ofMillis(200), () -> false));
        assertTrue(e.getMessage().contains("the job ends"), e.getMessage());
    }

    @Test
    void whatTheProbeThrowsReachesTheTest() {
        assertThrows(java.io.IOException.class,
                () -> Await.holdsWithin(Duration.ofSeconds(1), () -> {
                    throw new java.io.IOException("no route");
                }));
    }
}
