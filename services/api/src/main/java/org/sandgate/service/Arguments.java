package org.sandgate.service;

import java.util.Map;
import java.util.Optional;

/**
 * The validated arguments of one call, by name. Values already fit their {@link Argument} schema;
 * asking for an argument the method did not declare, or with the wrong type, is a programming error.
 */
public final class Arguments {
    private final Map<String, Object> values;

    /** Made by the container after validation. */
    public Arguments(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public long integer(String name) {
        return (Long) get(name);
    }

    public double number(String name) {
        return (Double) get(name);
    }

    public String string(String name) {
        return (String) get(name);
    }

    public boolean bool(String name) {
        return (Boolean) get(name);
    }

    /** An optional argument, empty when the caller left it out. */
    public Optional<Object> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Every argument the caller gave, by name. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no argument '" + name + "' in this call");
        }
        return v;
    }
}
