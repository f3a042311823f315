package org.sandgate.server.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Serialises JSON bodies into memory first so the response carries a Content-Length. Jersey's Jetty
 * container does not buffer, and without a length an HTTP/1.0 keep-alive client (ApacheBench, old
 * portals) loses its connection after every response. Streams (event streams, downloads) are not
 * JSON and pass through untouched.
 */
public final class ContentLengthInterceptor implements WriterInterceptor {

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            context.proceed();
            return;
        }
        OutputStream original = context.getOutputStream();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        context.setOutputStream(buffer);
        context.proceed();
        context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, buffer.size());
        buffer.writeTo(original);
        context.setOutputStream(original);
    }
}
