package org.sandgate.server.services;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import org.sandgate.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads service plugin jars: each jar gets its own class loader whose parent sees only the service
 * API, and its services are found through {@code META-INF/services/org.sandgate.service.Service}.
 * A jar that cannot be loaded is reported and skipped; the others load.
 */
public final class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private final ClassLoader apiOnly = new ApiOnlyClassLoader(Service.class.getClassLoader());

    /** What loading a directory gave: the services and a message for each jar that failed. */
    public record Result(List<DeployedService> services, List<String> problems) {
        public Result {
            services = List.copyOf(services);
            problems = List.copyOf(problems);
        }
    }

    /** Loads every {@code *.jar} in the directory (a missing directory holds none). */
    public Result loadDirectory(Path dir) {
        List<DeployedService> services = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Result(services, problems);
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            problems.add(dir + ": cannot list the deploy directory: " + e.getMessage());
        }
        jars.sort(null);
        for (Path jar : jars) {
            try {
                services.addAll(load(jar));
            } catch (PluginException e) {
                LOG.warn("service plugin {} not deployed: {}", jar, e.getMessage());
                problems.add(jar.getFileName() + ": " + e.getMessage());
            }
        }
        return new Result(services, problems);
    }

    /** Loads the services of one jar. */
    public List<DeployedService> load(Path jar) {
        try (JarFile check = new JarFile(jar.toFile())) {
            check.getManifest();
        } catch (IOException e) {
            throw new PluginException("not a jar file (" + e.getMessage() + ")");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, apiOnly);
        } catch (IOException e) {
            throw new PluginException("cannot open: " + e.getMessage());
        }
        List<DeployedService> found = new ArrayList<>();
        try {
            for (Service service : ServiceLoader.load(Service.class, loader)) {
                found.add(DeployedService.of(service, loader, jar));
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            close(loader);
            throw new PluginException("a service class cannot be loaded: " + describe(e));
        }
        if (found.isEmpty()) {
            close(loader);
            throw new PluginException("declares no service (META-INF/services/" + Service.class.getName() + ")");
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

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing plugin class loader", e);
        }
    }
}
