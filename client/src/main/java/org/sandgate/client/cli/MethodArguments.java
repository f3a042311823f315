package org.sandgate.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A method's arguments as the server describes them in {@code GET /api/v1/services}, and the words of
 * a command line turned into the JSON values they stand for: {@code call echo.echo 42} sends the
 * string "42" to a string argument and {@code 3} to an integer one. A word that does not fit its
 * argument's type is refused here, naming the argument, before anything is sent.
 *
 * @param method the method's dotted name, for messages
 * @param schema its arguments in declaration order
 */
record MethodArguments(String method, List<Parameter> schema) {
    /** One argument: name, JSON type (integer, number, string, boolean) and whether it must be given. */
    record Parameter(String name, String type, boolean required) {
        String label() {
            return required ? name + ":" + type : "[" + name + ":" + type + "]";
        }
    }

    /** The schema of {@code service.method} in a services listing, if it lists that method. */
    static Optional<MethodArguments> find(JsonNode services, String service, String method) {
        for (JsonNode s : services.path("services")) {
            if (!s.path("name").asText().equals(service)) {
                continue;
            }
            for (JsonNode m : s.path("methods")) {
                if (m.path("name").asText().equals(method)) {
                    List<Parameter> schema = new ArrayList<>();
                    for (JsonNode a : m.path("arguments")) {
                        schema.add(new Parameter(a.path("name").asText(), a.path("type").asText(),
                                a.path("required").asBoolean(true)));
                    }
                    return Optional.of(new MethodArguments(service + "." + method, schema));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The call's {@code args}: a list when every word is positional, an object when one is
     * {@code NAME=VALUE} with NAME one of the method's arguments (then the positional words name the
     * arguments in order).
     *
     * @throws BadArgument for too many words, an argument given twice, a missing required one, or a
     *                     value that is not of its argument's type
     */
    Object bind(List<String> words) {
        Map<String, Object> named = new LinkedHashMap<>();
        List<Object> positional = new ArrayList<>();
        boolean byName = false;
        for (String word : words) {
            int eq = word.indexOf('=');
            Optional<Parameter> p = eq > 0 ? parameter(word.substring(0, eq)) : Optional.empty();
            if (p.isPresent()) {
                byName = true;
                if (named.put(p.get().name(), value(p.get(), word.substring(eq + 1))) != null) {
                    throw new BadArgument(method + ": argument '" + p.get().name() + "' is given twice");
                }
                continue;
            }
            if (byName) {
                throw new BadArgument(method + ": '" + word + "' comes after a NAME=VALUE argument; give the "
                        + "arguments in order first, then by name");
            }
            if (positional.size() >= schema.size()) {
                throw new BadArgument(method + " takes " + schema.size() + " argument" + (schema.size() == 1 ? "" : "s")
                        + " (" + labels() + "), not " + words.size());
            }
            positional.add(value(schema.get(positional.size()), word));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) {
            String name = schema.get(i).name();
            if (named.containsKey(name)) {
                throw new BadArgument(method + ": argument '" + name + "' is given twice, in place and by name");
            }
            all.put(name, positional.get(i));
        }
        all.putAll(named);
        for (Parameter p : schema) {
            if (p.required() && !all.containsKey(p.name())) {
                throw new BadArgument(method + ": argument '" + p.name() + "' (" + p.type() + ") is missing; it takes "
                        + labels());
            }
        }
        return byName ? all : positional;
    }

    private Optional<Parameter> parameter(String name) {
        return schema.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private String labels() {
        return schema.isEmpty() ? "none" : String.join(" ", schema.stream().map(Parameter::label).toList());
    }

    /** {@code word} as the JSON value of {@code p}'s type. */
    private Object value(Parameter p, String word) {
        return switch (p.type()) {
            case "integer" -> {
                if (!word.matches("[-+]?[0-9]+")) {
                    throw wrongType(p, word, "a whole number");
                }
                try {
                    yield Long.parseLong(word.startsWith("+") ? word.substring(1) : word);
                } catch (NumberFormatException e) {
                    throw wrongType(p, word, "a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
                }
            }
            case "number" -> {
                if (!word.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]{1,4})?")) {
                    throw wrongType(p, word, "a number");
                }
                BigDecimal n = new BigDecimal(word.startsWith("+") ? word.substring(1) : word);
                if (!Double.isFinite(n.doubleValue())) {
                    throw wrongType(p, word, "a number of a size a double holds");
                }
                yield n;
            }
            case "boolean" -> switch (word) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw wrongType(p, word, "true or false");
            };
            default -> word;
        };
    }

    private BadArgument wrongType(Parameter p, String word, String what) {
        String type = p.type().equals("integer") ? "an integer" : "a " + p.type();
        return new BadArgument(method + ": argument '" + p.name() + "' takes " + type + "; '" + word
                + "' is not " + what);
    }
}
