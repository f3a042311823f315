package org.sandgate.server.sessions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sandgate.sandbox.Session;

/**
 * The order queued local jobs start in: not first come, first served across everyone, but the owner
 * with the fewest jobs running goes next (ties: the owner whose oldest waiting job is oldest), and
 * each owner's own jobs in the order they came. One owner with a hundred queued jobs then delays
 * another owner's job by at most one job's run, not by a hundred.
 */
final class FairQueue {
    private FairQueue() {
    }

    /** Whose job a session is, as this queue and the count of running jobs must both say it. */
    static String ownerOf(Session s) {
        return s.ownerKey().isEmpty() ? s.owner() : s.ownerKey();
    }

    /**
     * The sessions to start now.
     *
     * @param waiting queued sessions, oldest first
     * @param running jobs running now, by {@link #ownerOf owner}
     * @param free    slots free
     */
    static List<Session> next(List<Session> waiting, Map<String, Integer> running, int free) {
        Map<String, Deque<Session>> byOwner = new LinkedHashMap<>();
        for (Session s : waiting) {
            byOwner.computeIfAbsent(ownerOf(s), o -> new ArrayDeque<>()).add(s);
        }
        Map<String, Integer> busy = new HashMap<>(running);
        Comparator<Map.Entry<String, Deque<Session>>> fairest = Comparator
                .<Map.Entry<String, Deque<Session>>>comparingInt(e -> busy.getOrDefault(e.getKey(), 0))
                .thenComparing(e -> e.getValue().peek().created());
        List<Session> start = new ArrayList<>();
        while (start.size() < free && !byOwner.isEmpty()) {
            Map.Entry<String, Deque<Session>> owner = byOwner.entrySet().stream().min(fairest).orElseThrow();
            start.add(owner.getValue().poll());
            busy.merge(owner.getKey(), 1, Integer::sum);
            if (owner.getValue().isEmpty()) {
                byOwner.remove(owner.getKey());
            }
        }
        return start;
    }
}
