package org.sandgate.server.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.api.ApiException;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.api.JsonMapping;
import org.sandgate.server.identity.CertificateAuthenticator;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code GET /sandbox/{id}/[path]}: a session's files, on the HTTPS and the plain-HTTP port. A
 * directory is listed (HTML for browsers, JSON for {@code Accept: application/json}); a file is sent
 * with ETag, If-None-Match and single byte ranges. Anything that is not a file or directory inside
 * the sandbox — {@code ..} in any encoding, a backslash, a NUL, a symbolic link leading out, an
 * unknown or ill-formed id, another owner's session when sandboxes are not public — is the same
 * 404. Files are never served as active content: a job's HTML must not run as this origin.
 */
public final class SandboxHandler extends Handler.Abstract {
    private static final String PREFIX = "/sandbox/";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final Sandboxes sandboxes;
    private final SessionManager sessions;
    private final boolean publicUrls;
    private final CertificateAuthenticator authenticator;

    public SandboxHandler(Sandboxes sandboxes, SessionManager sessions, boolean publicUrls,
                          CertificateAuthenticator authenticator) {
        this.sandboxes = sandboxes;
        this.sessions = sessions;
        this.publicUrls = publicUrls;
        this.authenticator = authenticator;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String raw = request.getHttpURI().getPath();
        if (raw == null || !raw.startsWith(PREFIX)) {
            return false;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        String rest = raw.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        Optional<SessionId> id = SessionId.parse(slash < 0 ? rest : rest.substring(0, slash));
        Optional<Session> session = id.flatMap(sessions::find);
        if (session.isEmpty() || !mayRead(request, session.get())) {
            return false;
        }
        Optional<String> relative = decode(slash < 0 ? "" : rest.substring(slash + 1));
        Optional<Path> target = relative.flatMap(r -> sandboxes.resolve(id.get(), r));
        if (target.isEmpty()) {
            return false;
        }
        BasicFileAttributes attrs = Files.readAttributes(target.get(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isDirectory()) {
            if (!raw.endsWith("/")) {
                response.setStatus(301);
                response.getHeaders().put(HttpHeader.LOCATION, raw + "/");
                callback.succeeded();
                return true;
            }
            String archive = archiveFormat(request);
            if (archive == null) {
                listing(request, response, callback, id.get(), relative.get(), target.get());
            } else if (Archives.FORMATS.contains(archive)) {
                Archives.write(archive, target.get(), id.get().value(), request, response, callback);
            } else {
                ErrorMapper.write(response, callback,
                        new ApiException(400, "bad_request", "archive must be one of " + Archives.FORMATS));
            }
            return true;
        }
        if (!attrs.isRegularFile()) {
            return false;
        }
        file(request, response, callback, target.get(), attrs);
        return true;
    }

    private static String archiveFormat(Request request) {
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("archive=")) {
                return URLDecoder.decode(pair.substring("archive=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private boolean mayRead(Request request, Session session) {
        if (publicUrls || session.owner().equals(SessionManager.ANONYMOUS)) {
            return true;
        }
        X509Certificate[] chain = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl
                && ssl.peerCertificates() != null ? ssl.peerCertificates() : new X509Certificate[0];
        if (chain.length == 0) {
            return false;
        }
        try {
            InetAddress client = request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                    ? a.getAddress() : null;
            Identity identity = authenticator.authenticate(chain, client);
            return identity.dn().map(session.owner()::equals).orElse(false);
        } catch (ApiException refused) {
            return false;
        }
    }

    /** Decodes each segment once; a segment that decodes to a separator, a dot-segment or a NUL is refused. */
    private static Optional<String> decode(String rawRelative) {
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
            if (decoded.equals("..") || decoded.equals(".") || decoded.contains("/") || decoded.contains("\\")
                    || decoded.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            parts.add(decoded);
        }
        return Optional.of(String.join("/", parts));
    }

    private void listing(Request request, Response response, Callback callback, SessionId id, String relative,
                         Path dir) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", p.getFileName().toString());
                e.put("type", a.isDirectory() ? "directory" : a.isSymbolicLink() ? "link" : a.isRegularFile() ? "file" : "other");
                e.put("size", a.size());
                e.put("mtime", a.lastModifiedTime().toInstant().toString());
                entries.add(e);
            }
        }
        entries.sort((x, y) -> ((String) x.get("name")).compareTo((String) y.get("name")));
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        byte[] body;
        if (accept != null && accept.contains("application/json")) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("session", id.value());
            doc.put("path", relative);
            doc.put("entries", entries);
            try {
                body = JsonMapping.answer(doc);
            } catch (JsonProcessingException e) {
                throw new IOException(e);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        } else {
            body = html(id, relative, entries).getBytes(StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.setStatus(200);
        response.write(true, HttpMethod.HEAD.is(request.getMethod()) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body),
                callback);
    }

    private static String html(SessionId id, String relative, List<Map<String, Object>> entries) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Session ")
                .append(id.value()).append("</title></head><body><h1>Session ").append(id.value()).append("</h1><p>/")
                .append(escape(relative)).append("</p><table><tr><th>name</th><th>size</th><th>modified</th></tr>");
        if (!relative.isEmpty()) {
            b.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>");
        }
        for (Map<String, Object> e : entries) {
            String name = (String) e.get("name");
            boolean dir = "directory".equals(e.get("type"));
            String href = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + (dir ? "/" : "");
            b.append("<tr><td><a href=\"").append(href).append("\">").append(escape(name)).append(dir ? "/" : "")
                    .append("</a></td><td>").append(e.get("size")).append("</td><td>").append(e.get("mtime"))
                    .append("</td></tr>");
        }
        return b.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private void file(Request request, Response response, Callback callback, Path file, BasicFileAttributes attrs)
            throws IOException {
        long size = attrs.size();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(attrs.lastModifiedTime().toMillis()) + "\"";
        response.getHeaders().put(HttpHeader.ETAG, etag);
        response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", "sandbox");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(file));
        String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.strip().equals("*"))) {
            response.setStatus(304);
            callback.succeeded();
            return;
        }
        long start = 0;
        long length = size;
        String range = request.getHeaders().get(HttpHeader.RANGE);
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                long first;
                long last;
                if (m.group(1).isEmpty()) {
                    long suffix = Long.parseLong(m.group(2));
                    first = Math.max(0, size - suffix);
                    last = size - 1;
                } else {
                    first = Long.parseLong(m.group(1));
                    last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
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
                response.setStatus(206);
                response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
            } else {
                response.setStatus(200);
            }
        } else {
            response.setStatus(200);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (HttpMethod.HEAD.is(request.getMethod()) || length == 0) {
            response.write(true, ByteBuffer.allocate(0), callback);
            return;
        }
        SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true, 64 * 1024);
        Content.copy(Content.Source.from(pool, channel, start, length), response, Callback.from(callback, () -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the response is complete; a close failure changes nothing for the client
            }
        }));
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
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
