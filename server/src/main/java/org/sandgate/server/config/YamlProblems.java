package org.sandgate.server.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns Jackson's errors about a YAML file into one line for a person: the line, the key and what
 * is wrong with it, without Java class names. Used for {@code sandgate.yaml} and for command
 * services.
 */
public final class YamlProblems {
    private YamlProblems() {
    }

    /** The dotted key an error is about ({@code methods.run.colour}). */
    public static String key(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** {@code "line N: "} for the key an error is about, or an empty string. */
    public static String where(JsonFactory factory, JsonMappingException e, String text) {
        List<String> fields = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() == null) {
                break;
            }
            fields.add(ref.getFieldName());
        }
        int line = lineOf(factory, text, fields);
        return line > 0 ? "line " + line + ": " : at(e.getLocation());
    }

    /** The error as one line. */
    public static String describe(JsonFactory factory, JsonMappingException e, String text) {
        String key = key(e);
        String where = where(factory, e, text);
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : " (known keys here: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")) + ")";
            return where + "unknown key '" + key + "'" + known;
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String allowed = Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase())
                    .collect(Collectors.joining(", "));
            return where + "key '" + key + "': '" + f.getValue() + "' is not one of: " + allowed;
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null) {
            return where + "key '" + key + "': '" + f.getValue() + "' is not a valid "
                    + typeName(f.getTargetType());
        }
        String detail = e.getOriginalMessage();
        int cut = detail.indexOf(" (for ");
        if (cut < 0) {
            cut = detail.indexOf("\n");
        }
        return where + "key '" + key + "': " + (cut > 0 ? detail.substring(0, cut) : detail);
    }

    /**
     * The line of a key in YAML text, found by walking the tokens; records are built from buffered
     * tokens, so Jackson's own exception locations are often missing.
     */
    private static int lineOf(JsonFactory factory, String text, List<String> fields) {
        if (fields.isEmpty()) {
            return -1;
        }
        try (JsonParser p = factory.createParser(text)) {
            List<String> path = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    path.subList(Math.max(0, p.getParsingContext().getParent().getNestingDepth()), path.size()).clear();
                    path.add(p.currentName());
                    if (path.equals(fields)) {
                        return p.currentTokenLocation().getLineNr();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String typeName(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == Double.class || type == double.class) {
            return "number";
        }
        return type.getSimpleName().toLowerCase();
    }

    /** {@code "line N: "} of a parser location, or an empty string. */
    public static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : "line " + location.getLineNr() + ": ";
    }
}
