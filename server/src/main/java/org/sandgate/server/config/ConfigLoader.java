package org.sandgate.server.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.sandgate.batch.BackendName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sandgate.service.Tier;

/**
 * Reads {@code sandgate.yaml} into a {@link SandgateConfig} and finds every problem of the file at
 * once: syntax errors (the keys before one are still read), repeated keys, unknown keys, values of
 * the wrong type and values out of range, each with its line. A key that cannot be used keeps its
 * default, so that the rest of the file is still checked.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** More problems than this in one file are not worth listing one by one. */
    private static final int MAX_PROBLEMS = 100;
    private static final Pattern KEY = Pattern.compile("^key '([^']+)'");
    private static final Pattern LINE = Pattern.compile("^line (\\d+): ");

    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule rules = new SimpleModule("sandgate-config");
        rules.addDeserializer(AccountRule.class, new AccountRuleDeserializer());
        rules.addDeserializer(BackendName.class, new WireNameDeserializer<>(BackendName.class, BackendName::fromWireName));
        rules.addDeserializer(Tier.class, new WireNameDeserializer<>(Tier.class, Tier::fromWireName));
        rules.addDeserializer(Duration.class, new DurationDeserializer());
        this.yaml = new ObjectMapper(YAMLFactory.builder().build())
                .registerModule(rules)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        // an empty list entry or map value is an error at its own line, not a failure of the whole record
        yaml.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    }

    /**
     * A configuration as read, with every problem found in it.
     *
     * @param problems what makes it unusable, each {@code "line N: key '...': ..."} where the line is known
     * @param warnings what is read but should change (old key names), in the same form
     */
    public record Report(String source, SandgateConfig config, List<String> problems, List<String> warnings) {
        public Report {
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        Report(String source, SandgateConfig config, List<String> problems) {
            this(source, config, problems, List.of());
        }

        /** The configuration, if it has no problem. */
        public SandgateConfig usable() {
            if (!problems.isEmpty()) {
                throw new ConfigException(source, problems);
            }
            return config;
        }
    }

    /**
     * Loads a configuration file; a missing file means every key at its default.
     *
     * @throws ConfigException naming the file and each problem
     */
    public SandgateConfig load(Path file) {
        Report report = read(file);
        report.warnings().forEach(w -> LOG.warn("{} {}", file, w));
        return report.usable();
    }

    /**
     * Reads a configuration file and every problem in it, without throwing: the configuration holds
     * the defaults for what could not be read. A missing file means every key at its default.
     */
    public Report read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Report(file.toString(), SandgateConfig.defaults(), List.of());
        } catch (IOException e) {
            return new Report(file.toString(), SandgateConfig.defaults(), List.of("cannot be read: " + e.getMessage()));
        }
        return inspect(file.toString(), text);
    }

    /** Parses configuration text; {@code source} names it in messages. */
    public SandgateConfig parse(String source, String text) {
        return inspect(source, text).usable();
    }

    /** Parses configuration text and finds every problem in it; {@code source} names it in messages. */
    public Report inspect(String source, String text) {
        YamlDocument doc = YamlDocument.read(text);
        List<Problem> problems = new ArrayList<>();
        doc.problems().forEach(p -> problems.add(Problem.of(p)));
        SandgateConfig config = SandgateConfig.defaults();
        JsonNode tree = doc.tree();
        List<Problem> warnings = new ArrayList<>();
        RenamedKeys.Applied renamed = new RenamedKeys.Applied(Map.of(), Map.of(), Map.of());
        if (tree.isObject()) {
            ObjectNode copy = (ObjectNode) tree.deepCopy();
            renamed = RenamedKeys.apply(copy);
            renamed.warnings().forEach((key, w) -> warnings.add(at(doc, key, w)));
            renamed.problems().forEach((key, p) -> problems.add(at(doc, key, p)));
            config = bind(copy, doc, renamed, problems);
        } else if (!tree.isMissingNode() && !tree.isNull()) {
            int line = doc.lineOf("").orElse(1);
            problems.add(new Problem(line, "line " + line + ": the file must be a map of keys (key: value), not "
                    + YamlProblems.found(tree)));
        }
        for (String p : check(config)) {
            Matcher key = KEY.matcher(p);
            problems.add(key.find() ? at(doc, renamed.inFile(key.group(1)), p) : new Problem(Integer.MAX_VALUE, p));
        }
        problems.sort(Comparator.comparingInt(Problem::line));
        warnings.sort(Comparator.comparingInt(Problem::line));
        return new Report(source, config, problems.stream().map(Problem::text).toList(),
                warnings.stream().map(Problem::text).toList());
    }

    /** A text about a key of the file, with the key's line where the file has it. */
    private static Problem at(YamlDocument doc, String path, String text) {
        return doc.lineOf(path).map(n -> new Problem(n, "line " + n + ": " + text))
                .orElse(new Problem(Integer.MAX_VALUE, text));
    }

    /** One problem and the line it is on, for sorting. */
    private record Problem(int line, String text) {
        static Problem of(String text) {
            Matcher m = LINE.matcher(text);
            return new Problem(m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE, text);
        }
    }

    /**
     * Binds the tree to the records; each key that cannot be bound is reported, taken out (so that it
     * keeps its default) and the rest bound again.
     */
    private SandgateConfig bind(ObjectNode tree, YamlDocument doc, RenamedKeys.Applied renamed, List<Problem> problems) {
        Removals removals = new Removals(tree);
        for (int tries = 0; tries < MAX_PROBLEMS; tries++) {
            List<JsonMappingException.Reference> at = List.of();
            String problem;
            try {
                return yaml.treeToValue(tree, SandgateConfig.class);
            } catch (JsonMappingException e) {
                at = e.getPath();
                problem = describe(e, removals.originalPath(at), YamlProblems.nodeAt(tree, at));
            } catch (StreamReadException e) {
                // a number too large for its type: the parser knows where it was
                at = YamlProblems.pathOf(e);
                problem = "key '" + removals.originalPath(at) + "': " + YamlProblems.found(YamlProblems.nodeAt(tree, at))
                        + " is out of range";
            } catch (IOException e) {
                problem = "cannot be read: " + e.getMessage();
            }
            String path = removals.originalPath(at);
            Optional<Integer> line = doc.lineOf(renamed.inFile(path));
            problems.add(new Problem(line.orElse(Integer.MAX_VALUE), line.map(n -> "line " + n + ": ").orElse("") + problem));
            if (!removals.remove(at)) {
                return SandgateConfig.defaults();
            }
        }
        problems.add(new Problem(Integer.MAX_VALUE, "more than " + MAX_PROBLEMS + " problems; the others are not listed"));
        return SandgateConfig.defaults();
    }

    private static String describe(JsonMappingException e, String key, JsonNode found) {
        if (e instanceof MismatchedInputException m && m.getTargetType() == AccountRule.class) {
            return "key '" + key + "': " + YamlProblems.found(found) + " is not an account rule: expected 'gridmap', "
                    + "'account:NAME' or {dn: PATTERN, account: NAME}";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() == Duration.class) {
            return "key '" + key + "': " + YamlProblems.found(found) + " is not " + Durations.EXAMPLES
                    + " (a whole number and ms, s, m, h or d)";
        }
        return YamlProblems.describe(e, key, found);
    }

    /**
     * Keys and list entries taken out of the tree so far; list entries after a removed one move up,
     * so their paths are mapped back to the file's own numbering.
     */
    private static final class Removals {
        private final JsonNode tree;
        private final Map<String, TreeSet<Integer>> removedEntries = new HashMap<>();

        Removals(JsonNode tree) {
            this.tree = tree;
        }

        /**
         * The dotted path of a reference chain, with list indexes as they are in the file (none where
         * a single value stands for a list of one).
         */
        String originalPath(List<JsonMappingException.Reference> refs) {
            StringBuilder path = new StringBuilder();
            JsonNode node = tree;
            for (JsonMappingException.Reference ref : refs) {
                if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                    node = node.path(ref.getFieldName());
                } else if (ref.getIndex() >= 0 && node.isArray()) {
                    node = node.path(ref.getIndex());
                    int index = ref.getIndex();
                    for (int removed : removedEntries.getOrDefault(path.toString(), new TreeSet<>())) {
                        if (removed <= index) {
                            index++;
                        }
                    }
                    path.append('[').append(index).append(']');
                }
            }
            return path.toString();
        }

        /** Takes the node a reference chain leads to out of the tree; false if there is none. */
        boolean remove(List<JsonMappingException.Reference> refs) {
            if (refs.isEmpty()) {
                return false;
            }
            JsonNode parent = YamlProblems.nodeAt(tree, refs.subList(0, refs.size() - 1));
            JsonMappingException.Reference last = refs.get(refs.size() - 1);
            if (parent instanceof ObjectNode object && last.getFieldName() != null && object.has(last.getFieldName())) {
                object.remove(last.getFieldName());
                return true;
            }
            if (parent instanceof ArrayNode array && last.getIndex() >= 0 && last.getIndex() < array.size()) {
                String arrayPath = originalPath(refs.subList(0, refs.size() - 1));
                int original = Integer.parseInt(originalPath(refs).replaceAll(".*\\[(\\d+)\\]$", "$1"));
                removedEntries.computeIfAbsent(arrayPath, k -> new TreeSet<>()).add(original);
                array.remove(last.getIndex());
                return true;
            }
            if (refs.size() > 1) {
                // the value was read as a whole (a map given where a scalar belongs): drop its key
                return remove(refs.subList(0, refs.size() - 1));
            }
            return false;
        }
    }

    /** Checks values that are well-typed but may still be wrong; returns every problem found. */
    public static List<String> check(SandgateConfig c) {
        return c.problems();
    }

    /** Reads an enum by its lower-case wire name; anything else is reported with the names there are. */
    private static final class WireNameDeserializer<E extends Enum<E>> extends JsonDeserializer<E> {
        private final Class<E> type;
        private final Function<String, Optional<E>> byName;

        WireNameDeserializer(Class<E> type, Function<String, Optional<E>> byName) {
            this.type = type;
            this.byName = byName;
        }

        @Override
        public E deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                return type.cast(ctxt.handleUnexpectedToken(type, p));
            }
            String text = p.getText();
            Optional<E> value = byName.apply(text);
            if (value.isPresent()) {
                return value.get();
            }
            return type.cast(ctxt.handleWeirdStringValue(type, text, "not one of the names"));
        }
    }

    /** Reads a duration: a whole number and a unit ({@link Durations}). */
    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                Optional<Duration> d = Durations.parse(p.getText());
                if (d.isPresent()) {
                    return d.get();
                }
            }
            return (Duration) ctxt.handleUnexpectedToken(Duration.class, p.currentToken(), p, "not a duration");
        }
    }

    /** Reads {@code gridmap}, {@code account:NAME} or {@code {dn: PATTERN, account: NAME}}. */
    private static final class AccountRuleDeserializer extends JsonDeserializer<AccountRule> {
        @Override
        public AccountRule deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            if (node.isTextual()) {
                String text = node.asText().trim();
                if (text.equals("gridmap")) {
                    return new AccountRule.Gridmap();
                }
                if (text.startsWith("account:") && text.length() > "account:".length()) {
                    return new AccountRule.Fixed(text.substring("account:".length()).trim());
                }
                return (AccountRule) ctxt.handleWeirdStringValue(AccountRule.class, text,
                        "expected 'gridmap', 'account:NAME' or {dn: PATTERN, account: NAME}");
            }
            if (node.isObject()) {
                List<String> names = new ArrayList<>();
                Iterator<String> it = node.fieldNames();
                it.forEachRemaining(names::add);
                JsonNode dn = node.get("dn");
                JsonNode account = node.get("account");
                if (names.size() == 2 && dn != null && dn.isTextual() && account != null && account.isTextual()) {
                    return new AccountRule.DnPattern(dn.asText(), account.asText());
                }
            }
            return (AccountRule) ctxt.handleUnexpectedToken(AccountRule.class, p.currentToken(), p,
                    "an account rule is 'gridmap', 'account:NAME' or {dn: PATTERN, account: NAME}");
        }
    }
}
