package org.sandgate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every key of {@code sandgate.yaml} is either put in force by a reload or reported as needing a
 * restart when a reload changes it: changed one at a time from its default, each key is reported
 * exactly when it is not live.
 */
class ConfigKeysTest {

    @Test
    void everyKeyChangedAloneIsReportedAsNeedingARestartExactlyWhenItIsNotLive() {
        SandgateConfig defaults = SandgateConfig.defaults();
        Map<String, Boolean> keys = ConfigKeys.all();
        assertTrue(keys.size() > 50, keys.toString());
        for (String known : List.of("mode", "server.max_request_bytes", "tokens.max_tier", "jobs.read_only")) {
            assertTrue(keys.containsKey(known), "keys are named as in the file: " + known + " in " + keys.keySet());
        }
        RenamedKeys.ALL.forEach(r -> assertTrue(keys.containsKey(r.current()), r.current()));
        for (Map.Entry<String, Boolean> key : keys.entrySet()) {
            SandgateConfig changed = (SandgateConfig) changed(defaults, List.of(key.getKey().split("\\.")));
            assertTrue(!changed.equals(defaults), "the test could not change " + key.getKey());
            assertEquals(key.getValue() ? List.of() : List.of(key.getKey()),
                    ConfigKeys.restartNeeded(defaults, changed), key.getKey());
        }
    }

    @Test
    void theLiveKeysAreThoseTheReadmeSaysAReloadPutsInForce() {
        Set<String> liveSections = new TreeSet<>();
        ConfigKeys.all().forEach((key, live) -> {
            if (live) {
                liveSections.add(key.split("\\.")[0]);
            }
        });
        assertEquals(new TreeSet<>(Set.of("admins", "anonymous", "authz", "developers", "identity", "limits",
                "proxies", "tiers", "tokens")), liveSections);
        ConfigKeys.all().forEach((key, live) -> assertEquals(liveSections.contains(key.split("\\.")[0]), live, key));
    }

    /** A record with the component a path leads to changed, rebuilt through its canonical constructor. */
    private static Record changed(Record r, List<String> path) {
        RecordComponent[] components = r.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                values[i] = c.getAccessor().invoke(r);
                if (keyOf(c).equals(path.get(0))) {
                    values[i] = path.size() > 1 ? changed((Record) values[i], path.subList(1, path.size()))
                            : other(values[i], c.getGenericType());
                }
            }
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            var constructor = r.getClass().getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return (Record) constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static String keyOf(RecordComponent c) {
        com.fasterxml.jackson.annotation.JsonProperty p =
                c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        return p != null ? p.value() : c.getName();
    }

    /** A value of the same type that differs from the given one. */
    private static Object other(Object value, Type type) {
        if (value instanceof Boolean b) {
            return !b;
        }
        if (value instanceof Integer i) {
            return i + 1;
        }
        if (value instanceof Long l) {
            return l + 1;
        }
        if (value instanceof Double d) {
            return d + 1;
        }
        if (value instanceof String s) {
            return s + "x";
        }
        if (value instanceof Duration d) {
            return d.plusSeconds(1);
        }
        if (value instanceof Enum<?> e) {
            Object[] all = e.getDeclaringClass().getEnumConstants();
            return all[(e.ordinal() + 1) % all.length];
        }
        ParameterizedType p = (ParameterizedType) type;
        if (value instanceof List<?> list) {
            return list.isEmpty() ? List.of(sample(p.getActualTypeArguments()[0])) : List.of();
        }
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? Map.of("weak", sample(p.getActualTypeArguments()[1])) : Map.of();
        }
        throw new AssertionError("no other value of " + type + " for the test");
    }

    private static Object sample(Type type) {
        if (type == String.class) {
            return "/CN=x";
        }
        if (type == AccountRule.class) {
            return new AccountRule.Fixed("x");
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            return c.getEnumConstants()[0];
        }
        try {
            RecordComponent[] components = c.getRecordComponents();
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            return c.getDeclaredConstructor(types).newInstance(new Object[components.length]);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
