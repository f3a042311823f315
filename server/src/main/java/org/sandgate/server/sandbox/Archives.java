package org.sandgate.server.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A sandbox directory as one archive ({@code ?archive=zip} or {@code ?archive=tar.gz}), streamed as
 * it is made. Only regular files and directories go in; symbolic links are left out, so an archive
 * never holds anything from outside the sandbox.
 */
final class Archives {
    static final List<String> FORMATS = List.of("zip", "tar.gz");

    private Archives() {
    }

    static void write(String format, Path dir, String name, Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, format.equals("zip") ? "application/zip" : "application/gzip");
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "." + format + "\"");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (format.equals("zip")) {
                zip(dir, out);
            } else {
                tarGz(dir, out);
            }
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    private static void zip(Path dir, OutputStream raw) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(raw)) {
            walk(dir, (relative, file, attrs) -> {
                ZipEntry entry = new ZipEntry(attrs.isDirectory() ? relative + "/" : relative);
                entry.setLastModifiedTime(attrs.lastModifiedTime());
                zip.putNextEntry(entry);
                if (attrs.isRegularFile()) {
                    copy(file, zip);
                }
                zip.closeEntry();
            });
        }
    }

    private static void tarGz(Path dir, OutputStream raw) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw, 64 * 1024))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            walk(dir, (relative, file, attrs) -> {
                TarArchiveEntry entry = new TarArchiveEntry(attrs.isDirectory() ? relative + "/" : relative);
                entry.setModTime(attrs.lastModifiedTime());
                entry.setSize(attrs.isRegularFile() ? attrs.size() : 0);
                tar.putArchiveEntry(entry);
                if (attrs.isRegularFile()) {
                    copy(file, tar);
                }
                tar.closeArchiveEntry();
            });
            tar.finish();
        }
    }

    private static void copy(Path file, OutputStream out) throws IOException {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(out);
        }
    }

    private interface EntryWriter {
        void write(String relative, Path file, BasicFileAttributes attrs) throws IOException;
    }

    private static void walk(Path dir, EntryWriter writer) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir)) {
                    writer.write(dir.relativize(d).toString(), d, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    writer.write(dir.relativize(file).toString(), file, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
