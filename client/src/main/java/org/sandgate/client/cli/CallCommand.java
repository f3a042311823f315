package org.sandgate.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sandgate.client.CallResult;
import org.sandgate.client.SandgateClient;
import org.sandgate.client.SessionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sandgate call SERVICE.METHOD ARG...}: calls a method; {@code --wait} follows its job to the end. */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = "Call a service method. Each argument is sent as the type the method declares (integer, "
                + "number, boolean, string); NAME=VALUE gives one by name. --strings sends all as strings, in order.")
final class CallCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Parameters(index = "0", paramLabel = "SERVICE.METHOD", description = "e.g. sleepy.add")
    String target;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "the method's arguments, in order, or NAME=VALUE")
    List<String> args = new ArrayList<>();

    @Option(names = "--wait", description = "follow the job until it ends, then list its files; exit with the "
            + "job's exit code (with --json: print the final session)")
    boolean waitForEnd;

    @Option(names = "--strings", description = "send every argument as a string, in order")
    boolean strings;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.run(spec.commandLine().getErr(), connection, () -> {
            int dot = target.lastIndexOf('.');
            if (dot <= 0 || dot == target.length() - 1) {
                spec.commandLine().getErr().println("sandgate: name the method as SERVICE.METHOD, e.g. sleepy.add");
                return Main.USAGE;
            }
            String service = target.substring(0, dot);
            String method = target.substring(dot + 1);
            SandgateClient client = connection.client();
            Object values = values(client, service, method);
            @SuppressWarnings("unchecked")
            CallResult result = values instanceof Map<?, ?> named
                    ? client.call(service, method, (Map<String, Object>) named)
                    : client.call(service, method, (List<Object>) values);
            if (result.result().isPresent()) {
                out.println(connection.json ? result.result().get().toPrettyString() : text(result.result().get()));
                return 0;
            }
            CallResult.SessionRef session = result.session().orElseThrow();
            if (!waitForEnd) {
                if (connection.json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("session", session.session());
                    doc.put("url", session.url());
                    doc.put("status_url", session.statusUrl());
                    doc.put("state", session.state());
                    out.println(JSON.valueToTree(doc).toPrettyString());
                } else {
                    out.println("session " + session.session() + " " + session.state());
                    out.println(session.url());
                }
                return 0;
            }
            if (!connection.json) {
                out.println("session " + session.session());
                out.println(session.url());
                out.flush();
            }
            SessionInfo info = client.session(session.session());
            while (!info.finished()) {
                Thread.sleep(500);
                info = client.session(session.session());
            }
            if (connection.json) {
                out.println(client.sessionJson(session.session()).toPrettyString());
            } else {
                out.println(info.state() + info.exitCode().map(c -> " (exit " + c + ")").orElse("")
                        + info.message().map(m -> ": " + m).orElse(""));
                if (info.files() != null && !info.files().isEmpty()) {
                    out.println("files (sandgate fetch " + session.session() + "):");
                    for (SessionInfo.FileInfo f : info.files()) {
                        out.printf("  %12d  %s%n", f.size(), f.path());
                    }
                }
            }
            return info.exitCode().orElse(info.state().equals("DONE") ? 0 : 1);
        });
    }

    /**
     * The call's {@code args}: typed by the method's schema from the server's services listing; as they
     * read (numbers, true/false, strings) when the listing does not have the method, for the server to
     * refuse or take; all strings with {@code --strings}.
     */
    private Object values(SandgateClient client, String service, String method) {
        if (strings) {
            return new ArrayList<Object>(args);
        }
        return MethodArguments.find(client.servicesJson(), service, method)
                .map(schema -> schema.bind(args))
                .orElseGet(() -> args.stream().map(CallCommand::guess).collect(java.util.stream.Collectors.toList()));
    }

    private static Object guess(String a) {
        if (a.equals("true") || a.equals("false")) {
            return Boolean.valueOf(a);
        }
        if (a.matches("-?(0|[1-9][0-9]{0,17})")) {
            return Long.valueOf(a);
        }
        if (a.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            return Double.valueOf(a);
        }
        return a;
    }

    private static String text(JsonNode result) {
        return result.isTextual() ? result.asText() : result.toPrettyString();
    }
}
