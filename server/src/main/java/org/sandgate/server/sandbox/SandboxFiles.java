package org.sandgate.server.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.sandgate.sandbox.Session;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.files.OpenNode;

/**
 * How a path of a sandbox is answered once the caller may read it: a regular file with ETag,
 * If-None-Match and a single byte range; a directory as a listing (JSON or HTML, one page) or an
 * archive. Everything is read from what {@link SandboxTree} opened, so size, ETag and ranges are
 * those of the file sent. Anything else — a link, a FIFO, a socket, a device, a missing name — is
 * not answered here (the caller's 404), and nothing a job does to its files blocks a request.
 */
public final class SandboxFiles {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    /** Answers up to this many bytes are read whole before they are sent. */
    private static final int WHOLE_READ = 256 * 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SandboxFiles.class);
    private static final String RETRY_ARCHIVE_SECONDS = "5";

    private final SandboxTree tree;
    private final Semaphore archiveBuilds;

    /**
     * @param tree             opens sandboxes and their files
     * @param maxArchiveBuilds archives built at the same time; more are answered {@code 429}
     */
    public SandboxFiles(SandboxTree tree, int maxArchiveBuilds) {
        this.tree = tree;
        this.archiveBuilds = new Semaphore(maxArchiveBuilds);
    }

    /**
     * Answers {@code GET}/{@code HEAD} of {@code rawPath} (the request path, for redirects) inside a
     * session's sandbox, {@code rawRelative} being the still encoded part after the session id.
     *
     * @return false when there is nothing to serve at that path (the caller answers 404)
     */
    public boolean serve(Request request, Response response, Callback callback, Session session, String rawPath,
                         String rawRelative) throws IOException {
        Optional<List<String>> components = components(rawRelative);
        if (components.isEmpty()) {
            return false;
        }
        Optional<OpenNode> opened = tree.open(session, components.get());
        if (opened.isEmpty()) {
            return false;
        }
        try (OpenNode node = opened.get()) {
            if (node.isRegularFile()) {
                file(request, response, callback, node, components.get());
                return true;
            }
            if (!node.isDirectory()) {
                return false;
            }
            if (!rawPath.endsWith("/")) {
                response.setStatus(301);
                response.getHeaders().put(HttpHeader.LOCATION, rawPath + "/");
                callback.succeeded();
                return true;
            }
            Fields query;
            try {
                query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                throw new Refusal(ErrorCode.BAD_REQUEST, "the query string is malformed");
            }
            String archive = query.getValue("archive");
            if (archive != null) {
                archive(request, response, callback, node, archive, session.id().value());
            } else {
                listing(request, response, callback, node, query, session.id().value(),
                        String.join("/", components.get()));
            }
            return true;
        } catch (Refusal e) {
            ErrorMapper.write(response, callback, e);
            return true;
        }
    }

    /** Decodes each segment once; a segment that decodes to a separator, a dot-segment or a NUL is refused. */
    static Optional<List<String>> components(String rawRelative) {
        List<String> parts = new ArrayList<>();
        for (String segment : rawRelative.split("/", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (decoded.isEmpty() || decoded.equals("..") || decoded.equals(".") || decoded.contains("/")
                    || decoded.contains("\\") || decoded.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            parts.add(decoded);
        }
        return Optional.of(parts);
    }

    private void archive(Request request, Response response, Callback callback, OpenNode dir, String format,
                         String session) throws IOException {
        if (!Archives.FORMATS.contains(format)) {
            throw new Refusal(ErrorCode.BAD_REQUEST, "archive must be one of " + Archives.FORMATS);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Archives.contentType(format));
        response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + session + "." + format + "\"");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // the length is not known before the archive is made: commit the headers without one
            // rather than let the response end as "Content-Length: 0"
            response.setStatus(200);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                out.flush();
            }
            callback.succeeded();
            return;
        }
        if (!archiveBuilds.tryAcquire()) {
            response.getHeaders().remove(HttpHeader.CONTENT_DISPOSITION);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, RETRY_ARCHIVE_SECONDS);
            throw new Refusal(ErrorCode.TOO_MANY_ARCHIVES,
                    "too many archives are being built; try again in " + RETRY_ARCHIVE_SECONDS + " s");
        }
        try {
            response.setStatus(200);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                Archives.write(format, dir, out);
            }
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        } finally {
            archiveBuilds.release();
        }
    }

    private static void listing(Request request, Response response, Callback callback, OpenNode dir, Fields query,
                                String session, String path) throws IOException {
        int limit = limit(query.getValue("limit"));
        Optional<String> after = Optional.ofNullable(query.getValue("after")).filter(s -> !s.isEmpty());
        Listing page = Listing.page(dir, after, limit);
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        boolean json = accept != null && accept.contains("application/json");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, json ? "application/json" : "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.setStatus(200);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            CountingSink counted = new CountingSink();
            write(page, json, session, path, limit, counted);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, counted.count);
            response.write(true, null, callback);
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            write(page, json, session, path, limit, out);
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    private static void write(Listing page, boolean json, String session, String path, int limit, OutputStream out)
            throws IOException {
        if (json) {
            page.writeJson(session, path, out);
        } else {
            page.writeHtml(session, path, limit, out);
        }
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return Listing.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= Listing.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new Refusal(ErrorCode.INVALID_ARGUMENT, "limit must be an integer from 1 to " + Listing.MAX_LIMIT);
    }

    private static void file(Request request, Response response, Callback callback, OpenNode file, List<String> path)
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

    /** Counts what a HEAD request would have been sent. */
    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
