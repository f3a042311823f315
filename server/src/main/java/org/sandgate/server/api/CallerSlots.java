package org.sandgate.server.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of something each caller holds at once (open event streams), against a limit given at
 * each acquisition so that a reloaded configuration is in force for the next one.
 */
final class CallerSlots {
    private final ConcurrentHashMap<String, AtomicInteger> held = new ConcurrentHashMap<>();

    /** Takes a slot for the caller if it holds fewer than {@code limit}; whether it got one. */
    boolean tryAcquire(String caller, int limit) {
        boolean[] got = {false};
        held.compute(caller, (k, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < limit) {
                count.incrementAndGet();
                got[0] = true;
            }
            return count.get() == 0 ? null : count;
        });
        return got[0];
    }

    /** Gives a slot back. */
    void release(String caller) {
        held.computeIfPresent(caller, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** The slots a caller holds now. */
    int held(String caller) {
        AtomicInteger n = held.get(caller);
        return n == null ? 0 : n.get();
    }

    /** The slots held by everyone. */
    int total() {
        return held.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
