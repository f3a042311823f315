package org.sandgate.server.sandbox;

import org.sandgate.server.files.SandboxTree;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SessionId;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.files.OpenNode;
import org.sandgate.server.sessions.SessionManager;

/**
 * {@code GET /sandbox/{id}/[path]}: a session's files, on the HTTPS and the plain-HTTP port. Who may
 * read a session's sandbox is decided in front of this handler ({@link SandboxAccessHandler}). This
 * handler opens the path from the sandbox by descriptor, one name at a time ({@link SandboxTree}),
 * and hands what it opened to the answer that fits: a regular file to {@link FileDownloads}, a
 * directory to {@link DirectoryListings} or, with {@code ?archive=}, to {@link ArchiveDownloads}.
 * Anything that is not a file or directory inside the sandbox — {@code ..} in any encoding, a
 * backslash, a NUL, a symbolic link anywhere on the path, a FIFO or device, an unknown or ill-formed
 * id — is the same 404, and nothing a job does to its files blocks a request.
 */
public final class SandboxHandler extends Handler.Abstract {
    private static final String PREFIX = "/sandbox/";

    private final SessionManager sessions;
    private final SandboxTree tree;
    private final ArchiveDownloads archives;

    /**
     * @param tree             opens sandboxes and their files
     * @param maxArchiveBuilds archives built at the same time; more are answered {@code 429}
     */
    public SandboxHandler(SessionManager sessions, SandboxTree tree, int maxArchiveBuilds) {
        this.sessions = sessions;
        this.tree = tree;
        this.archives = new ArchiveDownloads(maxArchiveBuilds);
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
        if (session.isEmpty()) {
            return false;
        }
        return serve(request, response, callback, session.get(), raw, slash < 0 ? "" : rest.substring(slash + 1));
    }

    /**
     * Answers {@code rawPath} (the request path, for redirects) inside a session's sandbox,
     * {@code rawRelative} being the still encoded part after the session id.
     *
     * @return false when there is nothing to serve at that path (the caller answers 404)
     */
    private boolean serve(Request request, Response response, Callback callback, Session session, String rawPath,
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
                FileDownloads.serve(request, response, callback, node, components.get());
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
                archives.serve(request, response, callback, node, archive, session.id().value());
            } else {
                DirectoryListings.serve(request, response, callback, node, query, session,
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
}
