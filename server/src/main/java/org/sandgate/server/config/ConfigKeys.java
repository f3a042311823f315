package org.sandgate.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of {@code sandgate.yaml}, read from the records that declare them, and which of them a
 * reload puts in force ({@link Live}) and which need a restart: a key is one or the other by where
 * it is declared, so a new key needs a restart until its record says otherwise.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** Every key down to the values (a list or map is one key), each with whether a reload puts it in force. */
    public static Map<String, Boolean> all() {
        Map<String, Boolean> keys = new TreeMap<>();
        walk(SandgateConfig.class, "", false, keys);
        return keys;
    }

    private static void walk(Class<?> record, String prefix, boolean live, Map<String, Boolean> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + name(c);
            boolean isLive = live || c.isAnnotationPresent(Live.class);
            if (c.getType().isRecord()) {
                walk(c.getType(), key + ".", isLive, keys);
            } else {
                keys.put(key, isLive);
            }
        }
    }

    /** The keys that differ between two configurations and are read at start only. */
    public static List<String> restartNeeded(SandgateConfig before, SandgateConfig after) {
        List<String> keys = new ArrayList<>();
        compare(before, after, "", keys);
        return keys;
    }

    private static void compare(Record before, Record after, String prefix, List<String> keys) {
        for (RecordComponent c : before.getClass().getRecordComponents()) {
            if (c.isAnnotationPresent(Live.class)) {
                continue;
            }
            Object b = value(c, before);
            Object a = value(c, after);
            String key = prefix + name(c);
            if (b instanceof Record rb && a instanceof Record ra) {
                compare(rb, ra, key + ".", keys);
            } else if (!b.equals(a)) {
                keys.add(key);
            }
        }
    }

    /** The key in the file: Jackson's name, which reaches the accessor (not the component itself). */
    private static String name(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }
}
