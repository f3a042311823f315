package org.sandgate.server.sandbox;

import org.sandgate.server.files.SandboxTree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.sandgate.server.files.OpenNode;

/**
 * A sandbox directory as one archive ({@code zip} or {@code tar.gz}), written as the walk goes.
 * Only regular files and directories go in, each read from the descriptor the walk opened
 * ({@link SandboxTree#walk}): links are left out, so an archive never holds anything from outside
 * the sandbox. A file's size is the one of the open file; should it shrink while it is read, the
 * rest of its entry is zeros, should it grow, the growth is left out.
 */
final class Archives {
    static final List<String> FORMATS = List.of("zip", "tar.gz");

    private Archives() {
    }

    static String contentType(String format) {
        return format.equals("zip") ? "application/zip" : "application/gzip";
    }

    static void write(String format, OpenNode dir, OutputStream out) throws IOException {
        if (format.equals("zip")) {
            zip(dir, out);
        } else {
            tarGz(dir, out);
        }
    }

    private static void zip(OpenNode dir, OutputStream raw) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(raw)) {
            SandboxTree.walk(dir, new SandboxTree.Visitor() {
                @Override
                public boolean directory(String relative, OpenNode d) throws IOException {
                    ZipEntry entry = new ZipEntry(relative + "/");
                    entry.setLastModifiedTime(d.attributes().lastModifiedTime());
                    zip.putNextEntry(entry);
                    zip.closeEntry();
                    return true;
                }

                @Override
                public boolean file(String relative, OpenNode file) throws IOException {
                    ZipEntry entry = new ZipEntry(relative);
                    entry.setLastModifiedTime(file.attributes().lastModifiedTime());
                    zip.putNextEntry(entry);
                    copy(file, file.attributes().size(), zip);
                    zip.closeEntry();
                    return true;
                }
            });
        }
    }

    private static void tarGz(OpenNode dir, OutputStream raw) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(raw, 64 * 1024))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            SandboxTree.walk(dir, new SandboxTree.Visitor() {
                @Override
                public boolean directory(String relative, OpenNode d) throws IOException {
                    TarArchiveEntry entry = new TarArchiveEntry(relative + "/");
                    entry.setModTime(d.attributes().lastModifiedTime());
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                    return true;
                }

                @Override
                public boolean file(String relative, OpenNode file) throws IOException {
                    PosixFileAttributes attrs = file.attributes();
                    TarArchiveEntry entry = new TarArchiveEntry(relative);
                    entry.setModTime(attrs.lastModifiedTime());
                    entry.setSize(attrs.size());
                    tar.putArchiveEntry(entry);
                    copy(file, attrs.size(), tar);
                    tar.closeArchiveEntry();
                    return true;
                }
            });
            tar.finish();
        }
    }

    /** Exactly {@code size} bytes of the open file: what it holds, then zeros if it shrank. */
    private static void copy(OpenNode file, long size, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        try (FileChannel channel = file.read()) {
            var in = Channels.newInputStream(channel);
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
        Arrays.fill(buffer, (byte) 0);
        while (left > 0) {
            int n = (int) Math.min(buffer.length, left);
            out.write(buffer, 0, n);
            left -= n;
        }
    }
}
