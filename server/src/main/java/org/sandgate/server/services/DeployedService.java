package org.sandgate.server.services;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.sandgate.batch.BackendName;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * One deployed version of a service: the plugin's object, its methods by name, the class loader it
 * lives in and the file it came from. A version that was replaced or removed is <em>retired</em>:
 * calls that started on it finish on it, and once the last one has ended its class loader is closed
 * (a jar's) so that it can be collected.
 */
public final class DeployedService {
    private final Service service;
    private final Map<String, ServiceMethod> methods;
    private final ClassLoader loader;
    private final Path source;
    private final Optional<BackendName> backend;
    private final AutoCloseable resources;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean retired;

    private DeployedService(Service service, Map<String, ServiceMethod> methods, ClassLoader loader, Path source,
                            Optional<BackendName> backend, AutoCloseable resources) {
        this.service = service;
        this.methods = methods;
        this.loader = loader;
        this.source = source;
        this.backend = backend;
        this.resources = resources;
    }

    /**
     * Reads the plugin's name and methods once, checking them.
     *
     * @param backend   the back end the service asks for (command services); the site's
     *                  {@code batch.services} still overrides it
     * @param resources closed once this version is retired and no call runs on it
     */
    static DeployedService of(Service service, ClassLoader loader, Path source, Optional<BackendName> backend,
                              AutoCloseable resources) {
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
        return new DeployedService(service, java.util.Collections.unmodifiableMap(methods), loader, source, backend,
                resources);
    }

    public String name() {
        return service.name();
    }

    public Service service() {
        return service;
    }

    public Map<String, ServiceMethod> methods() {
        return methods;
    }

    public ClassLoader loader() {
        return loader;
    }

    /** The deployed file (in the deploy directory) this version came from. */
    public Path source() {
        return source;
    }

    /** The back end the service asks for, if any. */
    public Optional<BackendName> backend() {
        return backend;
    }

    public Optional<ServiceMethod> method(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    /**
     * Marks the start of a call on this version.
     *
     * @return false when this version was retired meanwhile: look the service up again
     */
    public boolean enter() {
        calls.incrementAndGet();
        if (retired) {
            exit();
            return false;
        }
        return true;
    }

    /** Marks the end of a call started with {@link #enter()}. */
    public void exit() {
        if (calls.decrementAndGet() == 0 && retired) {
            close();
        }
    }

    /** Takes this version out of service: it closes when its last call has ended. */
    void retire() {
        retired = true;
        if (calls.get() == 0) {
            close();
        }
    }

    /** Whether this version was closed (retired, with no call left). */
    public boolean isClosed() {
        return closed.get();
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                resources.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(DeployedService.class).debug("closing {}", source, e);
            }
        }
    }
}
