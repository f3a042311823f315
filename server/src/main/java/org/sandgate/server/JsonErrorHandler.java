package org.sandgate.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.api.ApiError;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.api.JsonMapping;

/**
 * Errors that Jetty answers itself (no route, body too large, malformed request) in the same JSON
 * shape as the API's errors, and never with a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
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
