package org.sandgate.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Keys of {@code sandgate.yaml} that have a new name: a file that uses the old one is still read as
 * before, with a warning that names the new key. The old names are listed in the README.
 */
final class RenamedKeys {

    /**
     * One renaming.
     *
     * @param old      the old dotted key
     * @param current  the key it is now
     * @param convert  the old value as the new key takes it; empty when the old value is not one the
     *                 old key took
     * @param expected what the old key took, for the problem of a value that cannot be converted
     */
    record Renaming(String old, String current, Function<JsonNode, Optional<JsonNode>> convert, String expected) {
        static Renaming same(String old, String current) {
            return new Renaming(old, current, Optional::of, "");
        }

        /** An old key that took a whole number of a unit, now a duration. */
        static Renaming duration(String old, String current, String unit) {
            return new Renaming(old, current, v -> v.canConvertToLong() && v.isIntegralNumber() && v.asLong() >= 0
                    ? Optional.of(TextNode.valueOf(v.asLong() + unit)) : Optional.empty(),
                    "a whole number of " + Durations.unitName(unit));
        }

        /** An old key that took a number of seconds, fractions too, now a duration (in milliseconds). */
        static Renaming fractionOfSeconds(String old, String current) {
            return new Renaming(old, current, v -> v.isNumber() && v.asDouble() >= 0 && v.asDouble() < 1e9
                    ? Optional.of(TextNode.valueOf(Durations.format(Duration.ofMillis(Math.round(v.asDouble() * 1000)))))
                    : Optional.empty(), "a number of seconds");
        }
    }

    /** Every renaming, oldest first. */
    static final List<Renaming> ALL = List.of(
            Renaming.same("batch.local.wall_factor", "batch.wall_factor"),
            Renaming.duration("batch.local.wall_grace_seconds", "batch.wall_grace", "s"),
            Renaming.duration("sandbox.retention_days", "sandbox.retention", "d"),
            Renaming.duration("sandbox.sweep_interval_seconds", "sandbox.sweep_interval", "s"),
            Renaming.fractionOfSeconds("batch.poll_seconds", "batch.poll_interval"),
            Renaming.duration("tls.refresh_seconds", "tls.refresh_interval", "s"),
            Renaming.duration("gridmap.reload_seconds", "gridmap.reload_interval", "s"),
            Renaming.duration("services.scan_millis", "services.scan_interval", "ms"),
            Renaming.duration("services.immediate_timeout_seconds", "services.immediate_timeout", "s"),
            Renaming.duration("authz.timeout_seconds", "authz.timeout", "s"),
            Renaming.duration("authz.cache_seconds", "authz.cache_for", "s"),
            Renaming.duration("tokens.lifetime_seconds", "tokens.lifetime", "s"));

    /**
     * What applying the renamings to a file did.
     *
     * @param warnings the old keys used, as {@code key 'OLD' ...} texts with the old key's path
     * @param problems old keys that could not be used, by old path
     * @param moved    new path by old path, for the renamings applied
     */
    record Applied(Map<String, String> warnings, Map<String, String> problems, Map<String, String> moved) {
        /** The path a key had in the file, for its line: the old name of a renamed key, else the key. */
        String inFile(String path) {
            for (Map.Entry<String, String> m : moved.entrySet()) {
                String current = m.getValue();
                if (path.equals(current) || path.startsWith(current + ".") || path.startsWith(current + "[")) {
                    return m.getKey() + path.substring(current.length());
                }
            }
            return path;
        }
    }

    private RenamedKeys() {
    }

    /** Moves the values of old keys in a tree to their new keys. */
    static Applied apply(ObjectNode tree) {
        Map<String, String> warnings = new TreeMap<>();
        Map<String, String> problems = new TreeMap<>();
        Map<String, String> moved = new TreeMap<>();
        for (Renaming r : ALL) {
            List<String> oldPath = List.of(r.old().split("\\."));
            Optional<ObjectNode> parent = objectAt(tree, oldPath.subList(0, oldPath.size() - 1), false);
            String oldKey = oldPath.get(oldPath.size() - 1);
            if (parent.isEmpty() || !parent.get().has(oldKey)) {
                continue;
            }
            JsonNode value = parent.get().get(oldKey);
            List<String> newPath = List.of(r.current().split("\\."));
            String newKey = newPath.get(newPath.size() - 1);
            Optional<ObjectNode> target = objectAt(tree, newPath.subList(0, newPath.size() - 1), true);
            if (target.isEmpty()) {
                continue;       // the new key's parent is not a map: that is reported where it is
            }
            parent.get().remove(oldKey);
            if (target.get().has(newKey)) {
                problems.put(r.old(), "key '" + r.old() + "': '" + r.current() + "' is given too; this old name of it "
                        + "is not read (remove it)");
                continue;
            }
            Optional<JsonNode> converted = r.convert().apply(value);
            if (converted.isEmpty()) {
                problems.put(r.old(), "key '" + r.old() + "': " + YamlProblems.found(value) + " is not "
                        + r.expected() + " (the new key '" + r.current() + "' takes "
                        + Durations.EXAMPLES + ")");
                continue;
            }
            target.get().set(newKey, converted.get());
            moved.put(r.old(), r.current());
            warnings.put(r.old(), "key '" + r.old() + "' is the old name of '" + r.current() + "'; it is still read, "
                    + "as '" + r.current() + ": " + converted.get().asText() + "', but write the new one");
        }
        return new Applied(warnings, problems, moved);
    }

    private static Optional<ObjectNode> objectAt(ObjectNode tree, List<String> path, boolean create) {
        ObjectNode node = tree;
        for (String key : path) {
            JsonNode next = node.get(key);
            if (next == null || next.isNull()) {
                if (!create) {
                    return Optional.empty();
                }
                next = node.putObject(key);
            }
            if (!(next instanceof ObjectNode object)) {
                return Optional.empty();
            }
            node = object;
        }
        return Optional.of(node);
    }
}
