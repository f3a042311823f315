package org.sandgate.server.services.command;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.local.Containment;
import org.sandgate.process.CommandResult;
import org.sandgate.process.Commands;
import org.sandgate.process.ProgramEnvironment;
import org.sandgate.server.config.YamlProblems;
import org.sandgate.server.files.OpenNode;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Names;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * Reads declarative command services from YAML and makes them services: typed arguments, a cost
 * expression, and a command whose placeholders only ever fill whole argv elements. A job method
 * runs its command as a job in the session's sandbox; an immediate method runs it at once in a
 * fresh temporary directory and answers with its exit code and output.
 */
public final class CommandServices {
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final int DEFAULT_MAX_LENGTH = 4096;
    private static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** The largest output an immediate command returns, per stream. */
    static final int MAX_OUTPUT = 1024 * 1024;

    private final ObjectMapper yaml;
    private final Commands commands;
    private final Containment containment;

    private final java.util.function.Function<org.sandgate.service.Tier, org.sandgate.batch.JobLimits> limits;

    /** Immediate commands not contained (tests of what does not run them). */
    public CommandServices(Commands commands) {
        this(commands, Containment.NONE, tier -> org.sandgate.batch.JobLimits.NONE);
    }

    /**
     * @param commands    runs the commands of immediate methods, with the immediate time limit
     * @param containment how immediate commands are contained: like the local back end's jobs, each
     *                    in its own namespaces, seeing only its fresh directory and the system
     * @param limits      the resource limits of the caller's tier, the same as its local jobs'
     */
    public CommandServices(Commands commands, Containment containment,
                           java.util.function.Function<org.sandgate.service.Tier, org.sandgate.batch.JobLimits> limits) {
        YAMLFactory factory = YAMLFactory.builder().build();
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.yaml = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        this.commands = commands;
        this.containment = containment;
        this.limits = limits;
    }

    /** A command service read from YAML, with the back end it asks for, if it asks for one. */
    public record Loaded(Service service, Optional<BackendName> backend) {
    }

    /**
     * Reads and checks one YAML file.
     *
     * @throws IllegalArgumentException saying what is wrong, with the line where YAML tells it
     */
    public Loaded read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text");
        }
        CommandServiceFile spec;
        try {
            spec = yaml.readValue(text, CommandServiceFile.class);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(YamlProblems.describe(yaml.getFactory(), e, text));
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid YAML: " + e.getMessage().split("\n")[0]);
        }
        if (spec == null) {
            throw new IllegalArgumentException("the file is empty");
        }
        return new Loaded(service(spec), Optional.ofNullable(spec.backend()).flatMap(BackendName::fromWireName));
    }

    private Service service(CommandServiceFile spec) {
        if (spec.service() == null || spec.service().isBlank()) {
            throw new IllegalArgumentException("key 'service': the service needs a name");
        }
        if (spec.backend() != null && BackendName.fromWireName(spec.backend()).isEmpty()) {
            throw new IllegalArgumentException("key 'backend': '" + spec.backend() + "' is not one of: "
                    + BackendName.wireNames());
        }
        if (spec.methods().isEmpty()) {
            throw new IllegalArgumentException("key 'methods': the service has no method");
        }
        List<ServiceMethod> methods = new ArrayList<>();
        for (Map.Entry<String, CommandServiceFile.Method> e : spec.methods().entrySet()) {
            try {
                methods.add(method(e.getKey(), e.getValue()));
            } catch (IllegalArgumentException problem) {
                throw new IllegalArgumentException("method '" + e.getKey() + "': " + problem.getMessage());
            }
        }
        String name = spec.service();
        String description = spec.description();
        List<ServiceMethod> all = List.copyOf(methods);
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<ServiceMethod> methods() {
                return all;
            }
        };
    }

    private ServiceMethod method(String name, CommandServiceFile.Method m) {
        if (!Names.isWord(name)) {
            throw new IllegalArgumentException("not a method name (lower case, digits, _)");
        }
        if (m == null) {
            throw new IllegalArgumentException("the method is empty");
        }
        boolean job = switch (m.kind()) {
            case "job" -> true;
            case "immediate" -> false;
            default -> throw new IllegalArgumentException("kind '" + m.kind() + "' is not job or immediate");
        };
        ServiceMethod.Builder builder = job ? ServiceMethod.job(name) : ServiceMethod.immediate(name);
        builder.description(m.description());
        Set<String> numeric = new HashSet<>();
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, CommandServiceFile.Arg> a : m.arguments().entrySet()) {
            builder.argument(argument(a.getKey(), a.getValue(), numeric, files));
        }
        ArgvTemplate command = ArgvTemplate.of(m.command(), m.arguments().keySet());
        CostExpression cost = CostExpression.of(m.cost(), numeric);
        builder.cost(cost::evaluate);
        for (String env : m.environment().keySet()) {
            if (!Names.isEnvironmentVariable(env)) {
                throw new IllegalArgumentException("'" + env + "' is not an environment variable name");
            }
        }
        Map<String, String> environment = m.environment();
        if (m.wallSeconds() != null && m.wallSeconds() < 1) {
            throw new IllegalArgumentException("wall_seconds must be at least 1");
        }
        if (job) {
            return builder.jobHandler((call, context) -> {
                writeFiles(context.sandbox(), files, call.arguments());
                JobSpec spec = JobSpec.of(command.render(call.arguments(), present(files, call.arguments())))
                        .withEnvironment(environment);
                return m.wallSeconds() == null ? spec : spec.withWallTime(Duration.ofSeconds(m.wallSeconds()));
            });
        }
        return builder.handler(call -> runNow(command, files, environment, call.arguments(),
                limits.apply(call.caller().tier())));
    }

    private static Argument argument(String name, CommandServiceFile.Arg a, Set<String> numeric,
                                     Map<String, String> files) {
        if (a == null || a.type() == null) {
            throw new IllegalArgumentException("argument '" + name + "' needs a type");
        }
        Argument arg = switch (a.type()) {
            case "integer", "number" -> {
                numeric.add(name);
                Argument n = a.type().equals("integer") ? Argument.integer(name) : Argument.number(name);
                if (a.min() != null) {
                    n = n.withMin(a.min());
                }
                if (a.max() != null) {
                    n = n.withMax(a.max());
                }
                yield n;
            }
            case "boolean" -> {
                numeric.add(name);
                yield Argument.bool(name);
            }
            case "string" -> {
                Argument s = Argument.string(name).withMaxLength(a.maxLength() == null ? DEFAULT_MAX_LENGTH : a.maxLength());
                if (a.pattern() != null) {
                    s = s.withPattern(a.pattern());
                }
                if (a.values() != null) {
                    s = s.withAllowed(a.values());
                }
                yield s;
            }
            case "file" -> {
                String fileName = a.filename() == null ? name : a.filename();
                if (!FILE_NAME.matcher(fileName).matches()) {
                    throw new IllegalArgumentException("argument '" + name + "': filename '" + fileName
                            + "' must be a plain file name");
                }
                files.put(name, fileName);
                yield Argument.string(name).withMaxLength(a.maxBytes() == null ? DEFAULT_MAX_BYTES : a.maxBytes())
                        .withFileName(fileName);
            }
            default -> throw new IllegalArgumentException("argument '" + name + "': type '" + a.type()
                    + "' is not integer, number, string, boolean or file");
        };
        if (!a.description().isEmpty()) {
            arg = arg.withDescription(a.description());
        }
        return a.optional() ? arg.optional() : arg;
    }

    private static Map<String, String> present(Map<String, String> files, Arguments args) {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((arg, file) -> {
            if (args.find(arg).isPresent()) {
                out.put(arg, file);
            }
        });
        return out;
    }

    /**
     * Writes the file arguments into {@code dir}, an entry of a directory of the server's own (a
     * sandbox in the sandbox root, a fresh directory for an immediate method). In shared mode the
     * sandbox belongs to the job's account, which may put links and FIFOs in it or swap it: so the
     * directory is opened from its parent without following a link, and each file is made new from
     * that descriptor ({@link OpenNode#writeNewFile}), never written through a link or into a FIFO.
     */
    static void writeFiles(Path dir, Map<String, String> files, Arguments args) throws IOException {
        if (files.keySet().stream().noneMatch(arg -> args.find(arg).isPresent())) {
            return;
        }
        Optional<OpenNode> opened;
        try (OpenNode parent = OpenNode.directory(dir.getParent())) {
            opened = parent.child(dir.getFileName().toString());
        }
        if (opened.isEmpty() || !opened.get().isDirectory()) {
            opened.ifPresent(OpenNode::close);
            throw new IOException("the sandbox is not a directory of its own");
        }
        try (OpenNode target = opened.get()) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                var content = args.find(f.getKey());
                if (content.isPresent()) {
                    target.writeNewFile(f.getValue(), ((String) content.get()).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }


    private Map<String, Object> runNow(ArgvTemplate command, Map<String, String> files, Map<String, String> environment,
                                       Arguments args, org.sandgate.batch.JobLimits limit) throws IOException {
        Path dir = Files.createTempDirectory("sandgate-immediate");
        try {
            writeFiles(dir, files, args);
            Map<String, String> env = ProgramEnvironment.in(dir);
            env.putAll(environment);
            List<String> argv = new ArrayList<>();
            if (containment.contained()) {
                // a temporary directory's name is no capability: the options may show in argv
                argv.add(Containment.program());
                argv.addAll(containment.forCommand(dir));
                argv.add("--");
            }
            argv.addAll(prlimit(limit, containment.contained()));
            argv.addAll(command.render(args, present(files, args)));
            CommandResult r = commands.run(argv, env, dir, new byte[0]);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("exit_code", r.exitCode());
            result.put("stdout", cap(r.stdout()));
            result.put("stderr", cap(r.stderr()));
            return result;
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * {@code prlimit} options for the tier's limits, as the local back end sets them. The process count
     * only where the command runs in a user namespace of its own: outside one it would count the server's
     * own threads as well.
     */
    static List<String> prlimit(org.sandgate.batch.JobLimits l, boolean contained) {
        List<String> options = new ArrayList<>();
        if (contained && l.processes() > 0) {
            options.add("--nproc=" + l.processes());
        }
        if (l.fileBytes() > 0) {
            options.add("--fsize=" + l.fileBytes());
        }
        if (l.openFiles() > 0) {
            options.add("--nofile=" + l.openFiles());
        }
        if (l.addressBytes() > 0) {
            options.add("--as=" + l.addressBytes());
        }
        if (options.isEmpty()) {
            return List.of();
        }
        options.add(0, "prlimit");
        options.add("--");
        return options;
    }

    private static String cap(String s) {
        return s.length() > MAX_OUTPUT ? s.substring(0, MAX_OUTPUT) : s;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
