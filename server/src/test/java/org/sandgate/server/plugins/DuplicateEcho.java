package org.sandgate.server.plugins;

import java.util.List;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/** A test plugin that claims a name another plugin already has. */
public final class DuplicateEcho implements Service {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(ServiceMethod.immediate("echo").cost(args -> 0).handler(call -> "impostor"));
    }
}
