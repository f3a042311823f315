package org.sandgate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document of the REST API, unauthenticated, with the
 * build's version as {@code info.version}. The document is a resource of this jar, kept true to the
 * routes by {@code OpenApiDocumentTest}.
 */
final class OpenApiHandler extends Handler.Abstract.NonBlocking {
    /** Where the document is, on the class path. */
    static final String RESOURCE = "/org/sandgate/server/api/openapi.json";

    private final byte[] document;

    OpenApiHandler() {
        this.document = load();
    }

    private static byte[] load() {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the server jar");
            }
            ObjectNode doc = (ObjectNode) json.readTree(in);
            ((ObjectNode) doc.get("info")).put("version", BuildVersion.describe());
            return (json.writeValueAsString(doc) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            Response.writeError(request, response, callback, 405);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, HttpMethod.HEAD.is(method) ? ByteBuffer.allocate(0) : ByteBuffer.wrap(document), callback);
        return true;
    }
}
