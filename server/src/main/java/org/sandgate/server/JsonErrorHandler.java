package org.sandgate.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.api.ApiError;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.api.JsonMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors that Jetty answers itself (no route, body too large, malformed request, a handler that
 * failed) in the same JSON shape as the API's errors, and never with a stack trace; a 5xx carries a
 * {@code correlation_id} that the server log line of the failure also holds.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorHandler.class);

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        byte[] body;
        if (ErrorMapper.isClientProtocolError(code)) {
            LOG.info("refused {} {}: {}", request.getMethod(), request.getHttpURI().getPath(),
                    cause == null ? message : cause.getMessage());
            body = body(code);
        } else if (code >= 500) {
            String id = UUID.randomUUID().toString();
            LOG.error("internal error {} on {} {}", id, request.getMethod(), request.getHttpURI().getPath(), cause);
            body = internalBody(code, id);
        } else {
            body = body(code);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The body of a server-side failure: only a correlation id that points to the log. */
    static byte[] internalBody(int status, String id) {
        try {
            return JsonMapping.mapper().writeValueAsBytes(new ApiError(ErrorMapper.codeOf(status),
                    "the server failed to handle the request; quote " + id + " to the administrator",
                    Map.of("correlation_id", id)));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"internal_error\",\"correlation_id\":\"" + id + "\"}")
                    .getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        if (status >= 500 && !ErrorMapper.isClientProtocolError(status)) {
            String id = UUID.randomUUID().toString();
            LOG.error("internal error {}: {}", id, reason);
            return ByteBuffer.wrap(internalBody(status, id));
        }
        return ByteBuffer.wrap(body(status));
    }

    /** The JSON body for a bare status; the message is ours, not the exception's. */
    static byte[] body(int status) {
        try {
            return JsonMapping.answer(
                    new ApiError(ErrorMapper.codeOf(status), ErrorMapper.messageOf(status), Map.of()));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + ErrorMapper.codeOf(status) + "\"}\n").getBytes(StandardCharsets.US_ASCII);
        }
    }
}
