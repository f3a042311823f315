package org.sandgate.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML file read as a tree, with the line of every key and list entry, and with as much of the
 * file as could be read when it is not valid YAML: the keys before a syntax error keep their values,
 * so that the other problems of the file (and of the files it names) are still found.
 *
 * @param tree     the document, {@link MissingNode} when the file holds none
 * @param lines    the line of each key and list entry, by dotted path ({@code tiers.limits.weak},
 *                 {@code developers[1]})
 * @param problems syntax errors and repeated keys, each {@code "line N: ..."}
 */
public record YamlDocument(JsonNode tree, Map<String, Integer> lines, List<String> problems) {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();
    private static final int MAX_SYNTAX_ERRORS = 20;

    public YamlDocument {
        lines = Map.copyOf(lines);
        problems = List.copyOf(problems);
    }

    /** One reading of the text, up to its first syntax error if it has one. */
    private record Pass(JsonNode tree, Map<String, Integer> lines, List<String> problems,
                        Optional<JsonProcessingException> error) {
    }

    /**
     * Reads YAML text; never throws for bad input. After a syntax error the lines it spoils (the
     * broken line and the lines indented under it, or an unclosed bracket's or quote's first line) are
     * set aside and the rest is read again, so that one file shows all its syntax errors and the keys
     * around them keep their values.
     */
    public static YamlDocument read(String text) {
        String[] lines = text.split("\n", -1);
        List<String> syntax = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            Pass pass = parse(String.join("\n", lines));
            Optional<JsonProcessingException> error = pass.error();
            if (error.isEmpty() || attempt == MAX_SYNTAX_ERRORS || !setAside(lines, error.get())) {
                List<String> problems = new ArrayList<>(syntax);
                problems.addAll(pass.problems());
                return new YamlDocument(pass.tree(), pass.lines(), problems);
            }
            syntax.add(YamlProblems.syntax(error.get()));
        }
    }

    /** Blanks the lines a syntax error spoils; false if they are blank already (nothing to gain). */
    private static boolean setAside(String[] lines, JsonProcessingException error) {
        int[] region = YamlProblems.spoiledLines(error);
        int first = Math.max(1, region[0]);
        int last = Math.min(lines.length, region[1]);
        if (first > lines.length) {
            return false;
        }
        int indent = indentation(lines[first - 1]);
        for (int i = last; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            if (indentation(line) <= indent) {
                break;
            }
            last = i + 1;
        }
        boolean changed = false;
        for (int i = first; i <= last; i++) {
            changed |= !lines[i - 1].isBlank();
            lines[i - 1] = "";
        }
        return changed;
    }

    private static int indentation(String line) {
        int n = 0;
        while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) {
            n++;
        }
        return n;
    }

    private static Pass parse(String text) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        Map<String, Integer> lines = new HashMap<>();
        List<String> problems = new ArrayList<>();
        Deque<Frame> open = new ArrayDeque<>();
        JsonNode root = MissingNode.getInstance();
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Frame top = open.peek();
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String path = top.path.isEmpty() ? name : top.path + "." + name;
                    Integer first = top.seen.putIfAbsent(name, line);
                    if (first != null) {
                        problems.add("line " + line + ": key '" + path + "' is given twice (also on line " + first
                                + "); keep one");
                        p.nextToken();
                        p.skipChildren();
                        continue;
                    }
                    lines.put(path, line);
                    top.field = name;
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    open.pop();
                    continue;
                }
                JsonNode value = switch (t) {
                    case START_OBJECT -> nodes.objectNode();
                    case START_ARRAY -> nodes.arrayNode();
                    // "key:" with nothing after it is no value (the key keeps its default); "key: ''" is text
                    case VALUE_STRING -> p.getText().isEmpty() && !quoted(text, p) ? nodes.nullNode()
                            : nodes.textNode(p.getText());
                    case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                        case INT -> nodes.numberNode(p.getIntValue());
                        case LONG -> nodes.numberNode(p.getLongValue());
                        default -> nodes.numberNode(p.getBigIntegerValue());
                    };
                    case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
                    case VALUE_TRUE -> nodes.booleanNode(true);
                    case VALUE_FALSE -> nodes.booleanNode(false);
                    case VALUE_NULL -> nodes.nullNode();
                    default -> nodes.textNode(p.getText());
                };
                String path;
                if (top == null) {
                    root = value;
                    path = "";
                    lines.put(path, line);
                } else if (top.node instanceof ObjectNode object) {
                    object.set(top.field, value);
                    path = top.path.isEmpty() ? top.field : top.path + "." + top.field;
                } else {
                    ArrayNode array = (ArrayNode) top.node;
                    path = top.path + "[" + array.size() + "]";
                    array.add(value);
                    lines.put(path, line);
                }
                if (value.isContainerNode()) {
                    open.push(new Frame(value, path));
                } else if (top == null) {
                    break;
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(YamlProblems.syntax(e));
            prune(root, lines, YamlProblems.spoiledLines(e)[0]);
            return new Pass(root, lines, problems, Optional.of(e));
        } catch (IOException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return new Pass(root, lines, problems, Optional.empty());
    }

    private static boolean quoted(String text, JsonParser p) {
        long at = p.currentTokenLocation().getCharOffset();
        return at >= 0 && at < text.length() && (text.charAt((int) at) == '"' || text.charAt((int) at) == '\'');
    }

    /**
     * Drops what was read from the line of a syntax error on (and from the start of the bracket or
     * quote it is in): those values are not what the administrator meant.
     */
    private static void prune(JsonNode root, Map<String, Integer> lines, int from) {
        List<Map.Entry<String, Integer>> suspect = lines.entrySet().stream()
                .filter(e -> e.getValue() >= from && !e.getKey().isEmpty())
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                .toList();
        for (Map.Entry<String, Integer> e : suspect) {
            String path = e.getKey();
            lines.remove(path);
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            JsonNode parent = nodeAt(root, cut < 0 ? "" : path.substring(0, cut));
            if (path.endsWith("]") && parent instanceof ArrayNode array) {
                int index = Integer.parseInt(path.substring(path.lastIndexOf('[') + 1, path.length() - 1));
                if (index < array.size()) {
                    array.remove(index);
                }
            } else if (parent instanceof ObjectNode object) {
                object.remove(path.substring(cut + 1));
            }
        }
    }

    /** The node at a dotted path with list indexes, or a missing node. */
    private static JsonNode nodeAt(JsonNode root, String path) {
        JsonNode node = root;
        for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
            int bracket = part.indexOf('[');
            node = node.path(bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                node = node.path(Integer.parseInt(part.substring(bracket + 1, close)));
                bracket = part.indexOf('[', close);
            }
        }
        return node;
    }

    /** The line of a key or list entry, or of the nearest enclosing one that has a line. */
    public Optional<Integer> lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return Optional.of(line);
            }
            if (p.isEmpty()) {
                return Optional.empty();
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }

    /** A map or list being filled. */
    private static final class Frame {
        final JsonNode node;
        final String path;
        final Map<String, Integer> seen = new HashMap<>();
        String field;

        Frame(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }
    }
}
