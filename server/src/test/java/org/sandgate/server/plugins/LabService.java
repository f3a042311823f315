package org.sandgate.server.plugins;

import java.util.List;
import java.util.Map;
import org.sandgate.service.Argument;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/** A test plugin: a method whose cost is its argument, one that fails, one that looks around. */
public final class LabService implements Service {
    @Override
    public String name() {
        return "lab.tools";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(
                ServiceMethod.immediate("costly")
                        .argument(Argument.integer("seconds").withRange(0, 1_000_000))
                        .cost(args -> args.integer("seconds"))
                        .handler(call -> Map.of("ran", true, "cost", call.cost())),
                ServiceMethod.immediate("fail")
                        .cost(args -> 0)
                        .handler(call -> {
                            throw new IllegalStateException("secret plugin detail /etc/shadow");
                        }),
                ServiceMethod.immediate("bad_cost")
                        .cost(args -> Double.NaN)
                        .handler(call -> "never"),
                ServiceMethod.immediate("look_around")
                        .cost(args -> 0)
                        .handler(call -> Map.of(
                                "server", visible("org.sandgate.server.SandgateServer"),
                                "jackson", visible("com.fasterxml.jackson.databind.ObjectMapper"),
                                "jetty", visible("org.eclipse.jetty.server.Server"),
                                "api", visible("org.sandgate.service.Service"),
                                "jdk", visible("java.net.http.HttpClient"))));
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, LabService.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
