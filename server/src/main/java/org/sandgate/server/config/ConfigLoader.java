package org.sandgate.server.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.sandgate.service.Tier;

/**
 * Reads {@code sandgate.yaml} into a {@link SandgateConfig}: unknown keys and wrong types are errors
 * that name the line and the key, and the values are then checked together so that every problem is
 * reported at once.
 */
public final class ConfigLoader {

    private static final List<String> BACKENDS = List.of("local", "slurm", "pbs", "drmaa");

    private final ObjectMapper yaml;

    public ConfigLoader() {
        SimpleModule rules = new SimpleModule("sandgate-config");
        rules.addDeserializer(AccountRule.class, new AccountRuleDeserializer());
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.yaml = new ObjectMapper(factory)
                .registerModule(rules)
                .addHandler(new UnknownKeyAtItsLine())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /**
     * Loads a configuration file; a missing file means every key at its default.
     *
     * @throws ConfigException naming the file and each problem
     */
    public SandgateConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return SandgateConfig.defaults();
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    /** Parses configuration text; {@code source} names it in messages. */
    public SandgateConfig parse(String source, String text) {
        SandgateConfig config;
        try {
            config = text.isBlank() ? SandgateConfig.defaults() : yaml.readValue(text, SandgateConfig.class);
        } catch (JsonMappingException e) {
            throw new ConfigException(source, List.of(describe(e, text)));
        } catch (JsonParseException e) {
            throw new ConfigException(source, List.of(YamlProblems.at(e.getLocation()) + "not valid YAML: "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getMessage()));
        }
        if (config == null) {
            config = SandgateConfig.defaults();
        }
        List<String> problems = check(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private String describe(JsonMappingException e, String text) {
        if (e instanceof InvalidFormatException f && f.getTargetType() == AccountRule.class) {
            return YamlProblems.where(yaml.getFactory(), e, text) + "key '" + YamlProblems.key(e) + "': '" + f.getValue()
                    + "' is not an account rule: expected 'gridmap', 'account:NAME' or {dn: PATTERN, account: NAME}";
        }
        return YamlProblems.describe(yaml.getFactory(), e, text);
    }

    /** Checks values that are well-typed but may still be wrong; returns every problem found. */
    public static List<String> check(SandgateConfig c) {
        List<String> problems = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            long limit = c.tiers().limits().of(tier);
            if (limit < -1) {
                problems.add("key 'tiers.limits." + tier.wireName() + "': " + limit
                        + " is not a ceiling (use a number of CPU-seconds, or -1 for none)");
            }
        }
        for (Map.Entry<Tier, List<AccountRule>> e : c.tiers().accounts().byTier().entrySet()) {
            for (AccountRule rule : e.getValue()) {
                String account = null;
                if (rule instanceof AccountRule.Fixed f) {
                    account = f.account();
                } else if (rule instanceof AccountRule.DnPattern p) {
                    account = p.account();
                }
                if (account != null && (!AccountRule.ACCOUNT_NAME.matcher(account).matches()
                        || account.equals("root"))) {
                    problems.add("key 'tiers.accounts." + e.getKey().wireName() + "': '" + account
                            + "' is not an allowed account name");
                }
            }
        }
        if (c.sandbox().retentionDays() < 0) {
            problems.add("key 'sandbox.retention_days': must be 0 or more");
        }
        if (c.sandbox().sweepIntervalSeconds() < 1) {
            problems.add("key 'sandbox.sweep_interval_seconds': must be at least 1");
        }
        if (!BACKENDS.contains(c.batch().defaultBackend())) {
            problems.add("key 'batch.default': '" + c.batch().defaultBackend() + "' is not one of: "
                    + String.join(", ", BACKENDS));
        }
        c.batch().services().forEach((service, backend) -> {
            if (!BACKENDS.contains(backend)) {
                problems.add("key 'batch.services." + service + "': '" + backend + "' is not one of: "
                        + String.join(", ", BACKENDS));
            }
        });
        if (!(c.batch().pollSeconds() >= 0.1)) {
            problems.add("key 'batch.poll_seconds': must be at least 0.1");
        }
        if (c.mode() == SandgateConfig.Mode.SHARED) {
            if (!AccountRule.ACCOUNT_NAME.matcher(c.shared().checkAccount()).matches()) {
                problems.add("key 'shared.check_account': shared mode needs an account that sudo lets the server "
                        + "run the job wrapper as; it is tried at start");
            }
            if (c.batch().defaultBackend().equals("drmaa") || c.batch().services().containsValue("drmaa")) {
                problems.add("key 'batch': the drmaa back end submits as the server's account and cannot be "
                        + "used in shared mode; use slurm or pbs");
            }
        }
        if (c.shared().minUid() < 1) {
            problems.add("key 'shared.min_uid': must be at least 1 (root is never an account)");
        }
        if (c.services().scanMillis() < 50) {
            problems.add("key 'services.scan_millis': must be at least 50");
        }
        if (c.services().immediateTimeoutSeconds() < 1) {
            problems.add("key 'services.immediate_timeout_seconds': must be at least 1");
        }
        if (c.services().maxUploadBytes() < 1024) {
            problems.add("key 'services.max_upload_bytes': must be at least 1024");
        }
        for (String key : List.of("developers", "admins")) {
            for (String dn : key.equals("admins") ? c.admins() : c.developers()) {
                if (dn == null || dn.isBlank()) {
                    problems.add("key '" + key + "': an empty DN");
                }
            }
        }
        if (c.authz().timeoutSeconds() < 1 || c.authz().cacheSeconds() < 0) {
            problems.add("key 'authz': timeout_seconds must be at least 1 and cache_seconds 0 or more");
        }
        if (c.tokens().lifetimeSeconds() < 60) {
            problems.add("key 'tokens.lifetime_seconds': must be at least 60");
        }
        if (Tier.fromWireName(c.tokens().maxTier()).isEmpty()) {
            problems.add("key 'tokens.max_tier': '" + c.tokens().maxTier() + "' is not anonymous, weak or strong");
        }
        for (SandgateConfig.TrustedIssuer t : c.tokens().trusted()) {
            if (t.issuer().isBlank() || t.keys().isBlank()) {
                problems.add("key 'tokens.trusted': every issuer needs 'issuer' and 'keys'");
            }
            if (Tier.fromWireName(t.tier()).isEmpty() || t.tier().equals("anonymous")) {
                problems.add("key 'tokens.trusted': tier '" + t.tier() + "' of " + t.issuer() + " is not weak or strong");
            }
            if (t.issuer().equals(c.tokens().issuer())) {
                problems.add("key 'tokens.trusted': " + t.issuer() + " is this server's own issuer name");
            }
        }
        if (c.audit().maxBytes() < 4096) {
            problems.add("key 'audit.max_bytes': must be at least 4096");
        }
        if (c.batch().local().slots() < 1) {
            problems.add("key 'batch.local.slots': must be at least 1");
        }
        if (!(c.batch().local().wallFactor() > 0) || c.batch().local().wallGraceSeconds() < 0) {
            problems.add("key 'batch.local': wall_factor must be positive and wall_grace_seconds 0 or more");
        }
        checkPort(problems, "server.https_port", c.server().httpsPort(), 0);
        checkPort(problems, "server.http_port", c.server().httpPort(), 0);
        if (c.server().maxRequestBytes() < 1024) {
            problems.add("key 'server.max_request_bytes': must be at least 1024");
        }
        for (org.sandgate.service.Tier tier : org.sandgate.service.Tier.values()) {
            if (c.limits().sessions().of(tier) < 1) {
                problems.add("key 'limits.sessions." + tier.wireName() + "': must be at least 1");
            }
            if (c.limits().eventStreams().of(tier) < 1) {
                problems.add("key 'limits.event_streams." + tier.wireName() + "': must be at least 1");
            }
        }
        if (c.tls().refreshSeconds() < 1) {
            problems.add("key 'tls.refresh_seconds': must be at least 1");
        }
        if (c.gridmap().reloadSeconds() < 1) {
            problems.add("key 'gridmap.reload_seconds': must be at least 1");
        }
        for (String issuer : c.tiers().weakIssuers()) {
            if (issuer.isBlank()) {
                problems.add("key 'tiers.weak_issuers': an empty issuer");
            }
        }
        return problems;
    }

    private static void checkPort(List<String> problems, String key, int port, int min) {
        if (port < min || port > 65535) {
            problems.add("key '" + key + "': " + port + " is not a port (" + min + " to 65535)");
        }
    }

    /** Reports an unknown key where it stands, not where the parser ends up after skipping its value. */
    private static final class UnknownKeyAtItsLine extends DeserializationProblemHandler {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            UnrecognizedPropertyException e = UnrecognizedPropertyException.from(p, beanOrClass, propertyName,
                    deserializer == null ? null : deserializer.getKnownPropertyNames());
            throw e;
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
