package org.sandgate.server.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.files.OpenNode;

/**
 * A directory of a sandbox as one page of its listing, JSON or HTML as the client accepts
 * ({@code ?limit=}, {@code ?after=}), read from the open directory ({@link Listing}).
 */
final class DirectoryListings {
    /**
     * The request attribute that says the caller may read the session's status (then the HTML form
     * shows its call, state and exit code); set by the access check.
     */
    static final String STATUS_VISIBLE = DirectoryListings.class.getName() + ".statusVisible";

    private DirectoryListings() {
    }

    /**
     * Answers {@code GET}/{@code HEAD} of an open directory.
     *
     * @throws Refusal for a {@code limit} out of range
     */
    static void serve(Request request, Response response, Callback callback, OpenNode dir, Fields query,
                      org.sandgate.sandbox.Session of, String path) throws IOException {
        String session = of.id().value();
        Optional<org.sandgate.sandbox.Session> status = Boolean.TRUE.equals(request.getAttribute(STATUS_VISIBLE))
                ? Optional.of(of) : Optional.empty();
        int limit = limit(query.getValue("limit"));
        Optional<String> after = Optional.ofNullable(query.getValue("after")).filter(s -> !s.isEmpty());
        Listing page = Listing.page(dir, after, limit);
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        boolean json = accept != null && accept.contains("application/json");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, json ? "application/json" : "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("Content-Security-Policy", org.sandgate.server.portal.ListingPages.CSP);
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.setStatus(200);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            CountingSink counted = new CountingSink();
            write(page, json, session, path, limit, status, counted);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, counted.count);
            response.write(true, null, callback);
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            write(page, json, session, path, limit, status, out);
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    private static void write(Listing page, boolean json, String session, String path, int limit,
                              Optional<org.sandgate.sandbox.Session> status, OutputStream out) throws IOException {
        if (json) {
            page.writeJson(session, path, out);
        } else {
            page.writeHtml(session, path, limit, status, out);
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
