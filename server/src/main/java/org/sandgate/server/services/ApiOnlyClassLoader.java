package org.sandgate.server.services;

/**
 * The parent of every plugin class loader: it shows plugins the service API ({@code org.sandgate.service})
 * and the JDK, and nothing else of the server or of other plugins.
 */
final class ApiOnlyClassLoader extends ClassLoader {
    private static final String API_PACKAGE = "org.sandgate.service.";
    private final ClassLoader server;

    ApiOnlyClassLoader(ClassLoader server) {
        super("sandgate-service-api", ClassLoader.getPlatformClassLoader());
        this.server = server;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (name.startsWith(API_PACKAGE) && name.indexOf('.', API_PACKAGE.length()) < 0) {
            return server.loadClass(name);
        }
        throw new ClassNotFoundException(name + " is not part of the service API");
    }
}
