package org.sandgate.server.sandbox;

import org.sandgate.server.files.SandboxTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.files.OpenNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A regular file of a sandbox, sent from the descriptor {@link SandboxTree} opened: ETag,
 * If-None-Match, a single byte range and If-Range, so size, ETag and ranges are those of the file
 * sent. A file a job shortens while it is sent never turns into an error page.
 */
final class FileDownloads {
    private static final Logger LOG = LoggerFactory.getLogger(FileDownloads.class);
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    /** Answers up to this many bytes are read whole before they are sent. */
    private static final int WHOLE_READ = 256 * 1024;

    private FileDownloads() {
    }

    /** Answers {@code GET}/{@code HEAD} of an open regular file; {@code path} names it (type, log). */
    static void serve(Request request, Response response, Callback callback, OpenNode file, List<String> path)
            throws IOException {
        PosixFileAttributes attrs = file.attributes();
        long size = attrs.size();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(attrs.lastModifiedTime().toMillis()) + "\"";
        response.getHeaders().put(HttpHeader.ETAG, etag);
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "sandbox");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(path.isEmpty() ? "" : path.get(path.size() - 1)));
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            response.setStatus(304);
            callback.succeeded();
            return;
        }
        long start = 0;
        long length = size;
        boolean partial = false;
        response.setStatus(200);
        String range = request.getHeaders().get(HttpHeader.RANGE);
        Matcher m = range == null || !rangeStillApplies(request, etag) ? null : RANGE.matcher(range.strip());
        if (m != null && m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
            long first;
            long last;
            if (m.group(1).isEmpty()) {
                // a suffix longer than the file asks for all of it (RFC 9110, 14.1.2)
                first = Math.max(0, size - parseOr(m.group(2), Long.MAX_VALUE));
                last = size - 1;
            } else {
                first = parseOr(m.group(1), Long.MAX_VALUE);
                last = m.group(2).isEmpty() ? size - 1 : Math.min(parseOr(m.group(2), Long.MAX_VALUE), size - 1);
            }
            if (first >= size || first > last) {
                response.setStatus(416);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
                callback.succeeded();
                return;
            }
            start = first;
            length = last - first + 1;
            partial = true;
            response.setStatus(206);
            response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
            response.write(true, ByteBuffer.allocate(0), callback);
            return;
        }
        FileChannel channel = file.read();
        if (length <= WHOLE_READ) {
            // small answers are read first, so that what is sent is exactly what was read: a file that a
            // job shortens meanwhile gets the length it had, never a promise the server cannot keep
            ByteBuffer content = ByteBuffer.allocate((int) length);
            try (channel) {
                while (content.hasRemaining() && channel.read(content, start + content.position()) > 0) {
                    // read on until the range is complete or the file ends
                }
            }
            content.flip();
            if (content.remaining() < length) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content.remaining());
                if (partial) {
                    response.getHeaders().put(HttpHeader.CONTENT_RANGE,
                            "bytes " + start + "-" + (start + content.remaining() - 1) + "/*");
                }
            }
            response.write(true, content, callback);
            return;
        }
        // A large file is streamed from the open descriptor. The head goes first, so that a file that a
        // job shortens while it is sent ends the connection early (the client sees fewer bytes than the
        // length said) instead of turning into an error page after the fact.
        ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, 64 * 1024);
        Callback done = Callback.from(() -> {
            close(channel);
            callback.succeeded();
        }, failure -> {
            close(channel);
            LOG.info("download of {} ended early: {}", String.join("/", path), failure.toString());
            callback.failed(failure);
        });
        Content.Source source = Content.Source.from(pool, channel, start, length);
        response.write(false, null, Callback.from(() -> Content.copy(source, response, done), done::failed));
    }

    /** A Range applies unless an If-Range names another version than the one opened (RFC 9110, 13.1.5). */
    private static boolean rangeStillApplies(Request request, String etag) {
        String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
        return ifRange == null || ifRange.strip().equals(etag);
    }

    private static long parseOr(String digits, long tooLarge) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException overflow) {
            return tooLarge;
        }
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the response is complete or failed already; a close failure changes nothing for the client
        }
    }

    private static String contentType(String name) {
        if (name.equals("stdout") || name.equals("stderr") || name.endsWith(".txt") || name.endsWith(".log")
                || name.endsWith(".out") || name.endsWith(".err") || name.endsWith(".csv")) {
            return "text/plain; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        return "application/octet-stream";
    }
}
