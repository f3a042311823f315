package org.sandgate.server.plugins;

import java.util.List;
import java.util.Map;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/** Version 1 of service lab.version: says which version answers, slowly if asked, or hangs. */
public final class VersionOne implements Service {
    @Override
    public String name() {
        return "lab.version";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(
                ServiceMethod.immediate("which").cost(args -> 0).handler(call -> Map.of("version", 1)),
                ServiceMethod.immediate("slow").cost(args -> 0).handler(call -> {
                    Thread.sleep(1500);
                    return Map.of("version", 1);
                }),
                ServiceMethod.immediate("hang").cost(args -> 0).handler(call -> {
                    Thread.sleep(60_000);
                    return Map.of("version", 1);
                }));
    }
}
