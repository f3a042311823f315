package org.sandgate.server.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.files.OpenNode;

/**
 * A directory of a sandbox as one archive ({@code ?archive=tar.gz} or {@code zip}), built while it is
 * sent from the open directory ({@link Archives}); a few are built at once, more are {@code 429}.
 */
final class ArchiveDownloads {
    private static final String RETRY_ARCHIVE_SECONDS = "5";

    private final Semaphore archiveBuilds;

    /** @param maxArchiveBuilds archives built at the same time; more are answered {@code 429} */
    ArchiveDownloads(int maxArchiveBuilds) {
        this.archiveBuilds = new Semaphore(maxArchiveBuilds);
    }

    /**
     * Answers {@code GET}/{@code HEAD} of an open directory as an archive of {@code format}.
     *
     * @throws Refusal for an unknown format, or when too many archives are being built
     */
    void serve(Request request, Response response, Callback callback, OpenNode dir, String format,
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
}
