package org.sandgate.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Between a method's argument schema (as {@code /api/v1/services} describes it) and an HTML form:
 * the fields to show, and the {@code args} object a filled-in form stands for. Values are passed on
 * as typed as they can be read; what does not fit is left for the API to refuse, so that the
 * server's checks are the ones that decide.
 */
final class Forms {
    /** Strings longer than this may be written in a text area. */
    private static final int TEXTAREA_FROM = 200;
    /** A number as JSON writes it (no NaN, no hexadecimal, no type suffix). */
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Forms() {
    }

    /**
     * The fields of a method's arguments.
     *
     * @param arguments the method's {@code arguments} from {@code /api/v1/services}
     * @param values    the values sent by name ({@code null}: none)
     * @param errors    the server's error by argument name
     */
    static List<FieldView> fields(JsonNode arguments, Function<String, String> values, Map<String, String> errors) {
        List<FieldView> fields = new ArrayList<>();
        for (JsonNode a : arguments) {
            String name = a.path("name").asText();
            String type = a.path("type").asText();
            boolean required = a.path("required").asBoolean(true);
            String value = values.apply(name);
            String id = "arg-" + name;
            String error = errors.get(name);
            String min = a.has("min") ? a.get("min").asText() : null;
            String max = a.has("max") ? a.get("max").asText() : null;
            StringBuilder help = new StringBuilder(words(a, type, min, max));
            help.append(required ? "; required" : "; optional");
            String description = a.path("description").asText("");
            if (!description.isEmpty()) {
                help.append(". ").append(description);
            }
            switch (type) {
                case "integer", "number" -> fields.add(new FieldView(name, id, "input", "number", required, min, max,
                        type.equals("integer") ? "1" : "any", null, null, List.of(), value, help.toString(), error));
                case "boolean" -> fields.add(new FieldView(name, id, "select", null, required, null, null, null, null,
                        null, options(List.of("true", "false"), required, value), value, help.toString(), error));
                default -> {
                    if (a.has("file")) {
                        fields.add(new FieldView(name, id, "file", "file", required, null, null, null, null, null,
                                List.of(), null, "a text file, at most " + a.path("max_length").asInt()
                                + " bytes, which the service reads as " + a.get("file").asText()
                                + (required ? "; required" : "; optional")
                                + (description.isEmpty() ? "" : ". " + description), error));
                    } else if (a.has("enum")) {
                        List<String> allowed = new ArrayList<>();
                        a.get("enum").forEach(v -> allowed.add(v.asText()));
                        fields.add(new FieldView(name, id, "select", null, required, null, null, null, null, null,
                                options(allowed, required, value), value, help.toString(), error));
                    } else {
                        Integer maxLength = a.has("max_length") ? a.get("max_length").asInt() : null;
                        String control = maxLength != null && maxLength > TEXTAREA_FROM && !a.has("pattern")
                                ? "textarea" : "input";
                        fields.add(new FieldView(name, id, control, "text", required, null, null, null,
                                a.has("pattern") ? a.get("pattern").asText() : null, maxLength, List.of(), value,
                                help.toString(), error));
                    }
                }
            }
        }
        return fields;
    }

    private static List<FieldView.Option> options(List<String> values, boolean required, String current) {
        List<FieldView.Option> options = new ArrayList<>();
        options.add(new FieldView.Option("", required ? "(choose one)" : "(not given)", current == null || current.isEmpty()));
        for (String v : values) {
            options.add(new FieldView.Option(v, v, v.equals(current)));
        }
        return options;
    }

    private static String words(JsonNode a, String type, String min, String max) {
        String what = switch (type) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            default -> a.has("enum") ? "one of the listed values" : "text";
        };
        if (min != null && max != null) {
            what += " from " + min + " to " + max;
        } else if (min != null) {
            what += " of at least " + min;
        } else if (max != null) {
            what += " of at most " + max;
        }
        if (a.has("pattern")) {
            what += " matching " + a.get("pattern").asText();
        }
        if (a.has("max_length") && !a.has("enum")) {
            what += ", at most " + a.get("max_length").asInt() + " characters";
        }
        return what;
    }

    /**
     * The {@code args} object a form stands for: each argument that was given, as its type when the
     * text reads as one (else as the text, which the API then refuses naming the argument).
     */
    static ObjectNode args(JsonNode arguments, Function<String, String> values) {
        return args(arguments, values, false);
    }

    /**
     * The same; with {@code filesEmpty}, file arguments stand as empty texts (the cost preview, which
     * is fetched before any file is sent).
     */
    static ObjectNode args(JsonNode arguments, Function<String, String> values, boolean filesEmpty) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        for (JsonNode a : arguments) {
            String name = a.path("name").asText();
            if (filesEmpty && a.has("file")) {
                args.put(name, "");
                continue;
            }
            String value = values.apply(name);
            if (value == null || value.isEmpty()) {
                continue;
            }
            switch (a.path("type").asText()) {
                case "integer" -> {
                    try {
                        args.put(name, Long.parseLong(value.strip(), 10));
                    } catch (NumberFormatException e) {
                        args.put(name, value);
                    }
                }
                case "number" -> {
                    String v = value.strip();
                    if (NUMBER.matcher(v).matches() && Double.isFinite(Double.parseDouble(v))) {
                        args.put(name, new java.math.BigDecimal(v));
                    } else {
                        args.put(name, value);
                    }
                }
                case "boolean" -> {
                    if (value.equals("true") || value.equals("false")) {
                        args.put(name, Boolean.parseBoolean(value));
                    } else {
                        args.put(name, value);
                    }
                }
                default -> args.put(name, value);
            }
        }
        return args;
    }
}
