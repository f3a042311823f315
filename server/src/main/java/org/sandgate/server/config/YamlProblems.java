package org.sandgate.server.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

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
        if (e instanceof MismatchedInputException m && m.getTargetType() != null && !key.isEmpty()) {
            // Jackson's own message names Java types (LinkedHashMap<String, ...>): say it in the file's words
            return where + "key '" + key + "': expected " + expected(m.getTargetType())
                    + foundAt(factory, text, e).map(found -> ", found " + found).orElse("");
        }
        String detail = e.getOriginalMessage();
        int cut = detail.indexOf(" (for ");
        if (cut < 0) {
            cut = detail.indexOf("\n");
        }
        return where + "key '" + key + "': " + (cut > 0 ? detail.substring(0, cut) : detail);
    }

    /** The value the text holds at the key an error is about, in words ({@link #found}). */
    private static java.util.Optional<String> foundAt(JsonFactory factory, String text, JsonMappingException e) {
        try (JsonParser p = factory.createParser(text)) {
            JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper(factory).readTree(p);
            for (JsonMappingException.Reference ref : e.getPath()) {
                node = ref.getFieldName() != null ? node.path(ref.getFieldName()) : node.path(ref.getIndex());
            }
            return node.isMissingNode() ? java.util.Optional.empty() : java.util.Optional.of(found(node));
        } catch (IOException | RuntimeException unreadable) {
            return java.util.Optional.empty();
        }
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

    /**
     * A binding error of the key {@code key} as one line for a person: what was expected there and
     * what the file holds instead.
     *
     * @param found the value the file holds at that key
     */
    public static String describe(JsonMappingException e, String key, JsonNode found) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : " (known keys here: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")) + ")";
            return "unknown key '" + key + "'" + known;
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            if (type.isEnum() && found.isTextual()) {
                return "key '" + key + "': " + found(found) + " is not one of: " + enumValues(type);
            }
            return "key '" + key + "': expected " + expected(type) + ", found " + found(found);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InputCoercionException) {
                return "key '" + key + "': " + found(found) + " is out of range";
            }
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return "key '" + key + "': " + e.getCause().getMessage();
        }
        String detail = e.getOriginalMessage();
        int cut = detail.indexOf(" (for ");
        if (cut < 0) {
            cut = detail.indexOf("\n");
        }
        return "key '" + key + "': " + (cut > 0 ? detail.substring(0, cut) : detail);
    }

    /** What a value of a type looks like, in words. */
    static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == Short.class || type == int.class
                || type == long.class || type == short.class) {
            return "a whole number";
        }
        if (type == Double.class || type == Float.class || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (type.isEnum()) {
            return "one of: " + enumValues(type);
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a map of keys (key: value)";
    }

    /** A value of the file, in words: {@code 'text'}, {@code 7}, {@code a list} ... */
    public static String found(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing (an empty value)";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a map";
        }
        if (node.isTextual()) {
            String text = node.asText();
            return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
        }
        return node.asText();
    }

    private static String enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase())
                .collect(Collectors.joining(", "));
    }

    /** The node a chain of references leads to, or a missing node. */
    public static JsonNode nodeAt(JsonNode tree, List<JsonMappingException.Reference> path) {
        JsonNode node = tree;
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                node = node.path(ref.getFieldName());
            } else if (node.isArray()) {
                node = node.path(ref.getIndex());
            }
            // else: a single value given where a list may stand is read as a list of one
        }
        return node;
    }

    /** Where a parser was when it failed, as a chain of references from the root. */
    public static List<JsonMappingException.Reference> pathOf(StreamReadException e) {
        List<JsonMappingException.Reference> path = new ArrayList<>();
        JsonParser p = e.getProcessor();
        if (p != null) {
            for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    path.add(0, new JsonMappingException.Reference(null, c.getCurrentName()));
                } else if (c.inArray()) {
                    path.add(0, new JsonMappingException.Reference(null, c.getCurrentIndex()));
                }
            }
        }
        return path;
    }

    /**
     * The lines (first and last, from 1) a syntax error spoils: an unclosed bracket's lines up to
     * where the parser noticed, an unclosed quote's first line, else the line of the error.
     */
    public static int[] spoiledLines(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            String context = y.getContext() == null ? "" : y.getContext();
            int line = y.getProblemMark().getLine() + 1;
            int opened = y.getContextMark() == null ? line : y.getContextMark().getLine() + 1;
            if (context.startsWith("while parsing a flow")) {
                return new int[] {opened, Math.max(opened, line - 1)};
            }
            if (context.startsWith("while scanning a quoted")) {
                return new int[] {opened, opened};
            }
            return new int[] {line, line};
        }
        int line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? 1 : e.getLocation().getLineNr();
        return new int[] {line, line};
    }

    /**
     * A YAML syntax error as one line for a person: {@code "line N: "} and what is wrong, in the terms
     * of the file (a tab, an unclosed bracket or quote, a key out of line), not the parser's.
     */
    public static String syntax(JsonProcessingException e) {
        if (!(e.getCause() instanceof MarkedYAMLException y) || y.getProblemMark() == null) {
            String message = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
            return at(e.getLocation()) + "not valid YAML: " + message.lines().findFirst().orElse("");
        }
        String problem = String.valueOf(y.getProblem());
        String context = y.getContext() == null ? "" : y.getContext();
        int line = y.getProblemMark().getLine() + 1;
        int opened = y.getContextMark() == null ? line : y.getContextMark().getLine() + 1;
        String what;
        if (problem.contains("(TAB)")) {
            what = "a tab character: YAML indents with spaces only";
        } else if (problem.startsWith("found character") && problem.contains("cannot start any token")) {
            what = problem.replaceAll("found character (.*) that cannot start any token.*", "$1")
                    + " cannot start a value: put the value in quotes";
        } else if (context.startsWith("while parsing a flow sequence")) {
            what = "the list opened with '[' on line " + opened + " is not closed: expected ',' or ']'";
        } else if (context.startsWith("while parsing a flow mapping")) {
            what = "the map opened with '{' on line " + opened + " is not closed: expected ',' or '}'";
        } else if (context.startsWith("while scanning a quoted scalar")) {
            line = opened;
            what = "the quoted text that starts here is not closed";
        } else if (problem.startsWith("mapping values are not allowed")) {
            what = "a ':' where no key can start: put a value that holds ': ' in quotes, or line the key up "
                    + "with the keys above it";
        } else if (context.startsWith("while parsing a block mapping") && problem.startsWith("expected <block end>")) {
            what = "the indentation does not match the keys of the map that starts on line " + opened
                    + ": line this up with them (with spaces)";
        } else {
            what = "not valid YAML: " + problem + (context.isEmpty() ? "" : " (" + context + " on line " + opened + ")");
        }
        return "line " + line + ": " + what;
    }

    /** {@code "line N: "} of a parser location, or an empty string. */
    public static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : "line " + location.getLineNr() + ": ";
    }
}
