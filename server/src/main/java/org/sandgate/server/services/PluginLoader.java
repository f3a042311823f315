package org.sandgate.server.services;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import org.sandgate.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads service plugin jars: each jar gets its own class loader whose parent sees only the service
 * API, and its services are found through {@code META-INF/services/org.sandgate.service.Service}.
 */
public final class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private final ClassLoader apiOnly = new ApiOnlyClassLoader(Service.class.getClassLoader());

    /**
     * Loads the services of one jar. The class loader reads {@code copy}, a private copy of the
     * deployed file {@code source}, so that replacing the deployed file never changes classes under
     * a running version; the copy is deleted when the last of its services is closed, or at once
     * when the jar cannot be deployed.
     *
     * @throws PluginException saying why the jar cannot be deployed
     */
    public List<DeployedService> load(Path copy, Path source) {
        Path jar = copy;
        try (JarFile check = new JarFile(jar.toFile())) {
            check.getManifest();
        } catch (IOException e) {
            delete(jar);
            throw new PluginException("not a jar file (" + e.getMessage() + ")");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin:" + source.getFileName(), new URL[] {jar.toUri().toURL()}, apiOnly);
        } catch (IOException e) {
            delete(jar);
            throw new PluginException("cannot open: " + e.getMessage());
        }
        List<Service> services = new ArrayList<>();
        try {
            for (Service service : ServiceLoader.load(Service.class, loader)) {
                services.add(service);
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            close(loader, jar);
            throw new PluginException("a service class cannot be loaded: " + describe(e));
        }
        if (services.isEmpty()) {
            close(loader, jar);
            throw new PluginException("declares no service (META-INF/services/" + Service.class.getName() + ")");
        }
        // the jar's services share its class loader: the last one closed closes it
        AtomicInteger open = new AtomicInteger(services.size());
        AutoCloseable release = () -> {
            if (open.decrementAndGet() == 0) {
                close(loader, jar);
            }
        };
        List<DeployedService> found = new ArrayList<>();
        try {
            for (Service service : services) {
                found.add(DeployedService.of(service, loader, source, Optional.empty(), release));
            }
        } catch (RuntimeException | LinkageError e) {
            close(loader, jar);
            throw new PluginException(describe(e));
        }
        return found;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e ? message : message + " (" + root + ")";
    }

    private static void close(URLClassLoader loader, Path copy) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing plugin class loader", e);
        }
        delete(copy);
    }

    private static void delete(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            LOG.debug("removing {}", copy, e);
        }
    }
}
