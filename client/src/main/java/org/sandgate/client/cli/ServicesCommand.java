package org.sandgate.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code sandgate services}: the deployed services, their methods and arguments. */
@Command(name = "services", mixinStandardHelpOptions = true, description = "List the services and their methods.")
final class ServicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Failures.run(spec.commandLine().getErr(), connection, () -> {
            JsonNode list = connection.client().servicesJson();
            if (connection.json) {
                out.println(list.toPrettyString());
                return 0;
            }
            for (JsonNode service : list.path("services")) {
                for (JsonNode m : service.path("methods")) {
                    List<String> args = new ArrayList<>();
                    for (JsonNode a : m.path("arguments")) {
                        String arg = a.path("name").asText() + ":" + a.path("type").asText();
                        args.add(a.path("required").asBoolean(true) ? arg : "[" + arg + "]");
                    }
                    out.printf("%-30s %-9s %s%n", service.path("name").asText() + "." + m.path("name").asText(),
                            m.path("kind").asText(), String.join(" ", args));
                }
            }
            JsonNode limits = list.path("cost_limits");
            out.println("cost limits (CPU-seconds, -1 = none): anonymous " + limits.path("anonymous").asText()
                    + ", weak " + limits.path("weak").asText() + ", strong " + limits.path("strong").asText());
            return 0;
        });
    }
}
