package org.sandgate.server.services;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * A service as deployed: the plugin's object, its methods by name, the class loader it lives in and
 * the file it came from.
 */
public record DeployedService(Service service, Map<String, ServiceMethod> methods, ClassLoader loader, Path source) {

    /** Reads the plugin's name and methods once, checking them. */
    static DeployedService of(Service service, ClassLoader loader, Path source) {
        String name = service.name();
        if (name == null || !ServiceNames.isValid(name)) {
            throw new IllegalArgumentException("service name '" + name + "' is not a dotted name of "
                    + "lower-case words");
        }
        List<ServiceMethod> declared = service.methods();
        Map<String, ServiceMethod> methods = new LinkedHashMap<>();
        for (ServiceMethod m : declared) {
            if (methods.putIfAbsent(m.name(), m) != null) {
                throw new IllegalArgumentException("service " + name + " declares method '" + m.name() + "' twice");
            }
        }
        return new DeployedService(service, Map.copyOf(methods), loader, source);
    }

    public String name() {
        return service.name();
    }

    public Optional<ServiceMethod> method(String name) {
        return Optional.ofNullable(methods.get(name));
    }
}
