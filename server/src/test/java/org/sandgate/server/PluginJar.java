package org.sandgate.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.sandgate.service.Service;

/** Builds a plugin jar in a test from compiled test classes, instead of committing binaries. */
final class PluginJar {
    private PluginJar() {
    }

    /**
     * Writes a jar holding these classes (and their nested classes), declaring {@code service}
     * in {@code META-INF/services}.
     */
    static Path build(Path jar, Class<? extends Service> service, Class<?>... more) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + Service.class.getName()));
            out.write((service.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            java.util.Set<String> added = new java.util.HashSet<>();
            add(out, service, added);
            for (Class<?> c : more) {
                add(out, c, added);
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Class<?> c, java.util.Set<String> added) throws IOException {
        String entry = c.getName().replace('.', '/') + ".class";
        if (!added.add(entry)) {
            return;
        }
        try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        for (Class<?> nested : c.getDeclaredClasses()) {
            add(out, nested, added);
        }
        // lambdas compile into the class itself; anonymous classes are Outer$1, Outer$2 ...
        for (int i = 1; ; i++) {
            String anonymous = c.getName().replace('.', '/') + "$" + i + ".class";
            try (InputStream in = c.getClassLoader().getResourceAsStream(anonymous)) {
                if (in == null) {
                    break;
                }
                out.putNextEntry(new JarEntry(anonymous));
                in.transferTo(out);
                out.closeEntry();
            }
        }
    }
}
