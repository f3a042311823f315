package org.sandgate.server.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting for something the server does in its own time (a job ends, a file appears, a reload is
 * seen), by looking again every 100 ms until it holds or a limit passes: the one deadline loop of the
 * tests.
 */
public final class Await {
    private static final Duration EVERY = Duration.ofMillis(100);

    private Await() {
    }

    /** A look at the system under test; may throw whatever the look throws. */
    @FunctionalInterface
    public interface Probe<T> {
        T look() throws Exception;
    }

    /** A condition on the system under test. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Looks until {@code done} accepts what it saw or {@code limit} has passed, and returns the last
     * thing seen either way, so that the caller's assertion on it says what was there instead.
     */
    public static <T> T value(Duration limit, Probe<T> probe, Predicate<? super T> done) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        T seen = probe.look();
        while (!done.test(seen) && System.nanoTime() - deadline < 0) {
            Thread.sleep(EVERY.toMillis());
            seen = probe.look();
        }
        return seen;
    }

    /** Looks until the condition holds; fails the test naming {@code what} when {@code limit} passes first. */
    public static void until(String what, Duration limit, Condition condition) throws Exception {
        if (!holdsWithin(limit, condition)) {
            fail("not within " + limit.toMillis() + " ms: " + what);
        }
    }

    /** Whether the condition came to hold within {@code limit} (for tests that assert something else then). */
    public static boolean holdsWithin(Duration limit, Condition condition) throws Exception {
        return value(limit, condition::holds, Boolean::booleanValue);
    }
}
