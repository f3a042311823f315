package org.sandgate.server.services;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;

/**
 * Binds the {@code args} of a call body (a list in declaration order, or an object by name) to a
 * method's argument schema. Anything that does not fit is refused naming the argument; the service
 * never sees an unchecked value.
 */
public final class ArgumentBinder {
    private ArgumentBinder() {
    }

    /** Refused arguments: {@code 400 invalid_argument} with the argument's name. */
    public static final class InvalidArgumentException extends Refusal {
        InvalidArgumentException(String argument, String message) {
            super(ErrorCode.INVALID_ARGUMENT, message, argument == null ? Map.of() : Map.of("argument", argument));
        }
    }

    /** Binds {@code args} (null when the body has none) to the schema. */
    public static Arguments bind(List<Argument> schema, JsonNode args) {
        Map<String, Object> values = new HashMap<>();
        if (args == null || args.isNull()) {
            args = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        }
        if (args.isArray()) {
            if (args.size() > schema.size()) {
                throw new InvalidArgumentException(null, "the method takes " + schema.size()
                        + " arguments, not " + args.size());
            }
            for (int i = 0; i < schema.size(); i++) {
                bindOne(schema.get(i), i < args.size() ? args.get(i) : null, values);
            }
        } else if (args.isObject()) {
            Iterator<String> names = args.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (schema.stream().noneMatch(a -> a.name().equals(name))) {
                    throw new InvalidArgumentException(printable(name), "unknown argument '" + printable(name) + "'");
                }
            }
            for (Argument a : schema) {
                bindOne(a, args.get(a.name()), values);
            }
        } else {
            throw new InvalidArgumentException(null, "'args' must be a list or an object");
        }
        return new Arguments(values);
    }

    private static void bindOne(Argument a, JsonNode node, Map<String, Object> values) {
        if (node == null || node.isNull()) {
            if (a.required()) {
                throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' is required");
            }
            return;
        }
        values.put(a.name(), switch (a.type()) {
            case INTEGER -> integer(a, node);
            case NUMBER -> number(a, node);
            case STRING -> string(a, node);
            case BOOLEAN -> bool(a, node);
        });
    }

    private static Long integer(Argument a, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw wrongType(a, "a whole number");
        }
        long v = node.longValue();
        checkRange(a, v);
        return v;
    }

    private static Double number(Argument a, JsonNode node) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw wrongType(a, "a number");
        }
        double v = node.doubleValue();
        checkRange(a, v);
        return v;
    }

    private static String string(Argument a, JsonNode node) {
        if (!node.isTextual()) {
            throw wrongType(a, "a string");
        }
        String v = node.textValue();
        if (v.codePointCount(0, v.length()) > a.maxLength()) {
            throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' is longer than "
                    + a.maxLength() + " characters");
        }
        if (v.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' contains a NUL character");
        }
        if (a.pattern().isPresent() && !a.pattern().get().matcher(v).matches()) {
            throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' does not match "
                    + a.pattern().get().pattern());
        }
        if (a.allowed().isPresent() && !a.allowed().get().contains(v)) {
            throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' must be one of "
                    + a.allowed().get());
        }
        return v;
    }

    private static Boolean bool(Argument a, JsonNode node) {
        if (!node.isBoolean()) {
            throw wrongType(a, "true or false");
        }
        return node.booleanValue();
    }

    private static void checkRange(Argument a, double v) {
        if (a.min().isPresent() && v < a.min().get() || a.max().isPresent() && v > a.max().get()) {
            String bounds = a.min().isEmpty() ? "at most " + format(a.max().get())
                    : a.max().isEmpty() ? "at least " + format(a.min().get())
                    : "between " + format(a.min().get()) + " and " + format(a.max().get());
            throw new InvalidArgumentException(a.name(), "argument '" + a.name() + "' must be " + bounds);
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static InvalidArgumentException wrongType(Argument a, String expected) {
        return new InvalidArgumentException(a.name(), "argument '" + a.name() + "' must be " + expected);
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 64 ? p.substring(0, 61) + "..." : p;
    }
}
