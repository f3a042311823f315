package org.sandgate.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.UUID;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.errors.RetryLaterRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses. {@link Refusal}s carry their status,
 * code and message; JAX-RS errors (404, 405, 415 ...) and Jetty's (413 for a chunked body over its limit)
 * keep their status; anything else is a 500 whose
 * body holds only a correlation id, with the details in the server log.
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof RetryLaterRefusal later) {
            return Response.fromResponse(respond(later.status(), new ApiError(later.code(), later.getMessage(),
                    later.details()))).header("Retry-After", later.retryAfterSeconds()).build();
        }
        if (exception instanceof Refusal api) {
            return respond(api.status(), new ApiError(api.code(), api.getMessage(), api.details()));
        }
        if (exception instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            if (status >= 500) {
                return internal(exception);
            }
            return respond(status, new ApiError(codeOf(status), messageOf(status), Map.of()));
        }
        for (Throwable t = exception; t != null; t = t.getCause()) {
            // a body over its limit found while reading it (chunked, no length to refuse up front)
            if (t instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return respond(http.getCode(), new ApiError(codeOf(http.getCode()), messageOf(http.getCode()), Map.of()));
            }
        }
        for (Throwable t = exception; t != null; t = t.getCause()) {
            // the client stalled or went away while its body was read: its doing, not a server failure
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof org.eclipse.jetty.io.EofException) {
                LOG.info("request body not received: {}", t.toString());
                return respond(408, new ApiError(codeOf(408), messageOf(408), Map.of()));
            }
        }
        if (exception instanceof JsonProcessingException json) {
            return respond(400, new ApiError(ErrorCode.INVALID_JSON.code(), "the request body is not valid JSON: "
                    + org.sandgate.server.json.StrictJson.describe(json), Map.of()));
        }
        return internal(exception);
    }

    private static Response internal(Throwable exception) {
        String id = UUID.randomUUID().toString();
        LOG.error("internal error {}", id, exception);
        return respond(500, new ApiError(ErrorCode.INTERNAL_ERROR.code(),
                "the server failed to handle the request; quote " + id + " to the administrator",
                Map.of("correlation_id", id)));
    }

    static Response respond(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    /** Writes an error from a Jetty handler in front of the JAX-RS application, in the same shape. */
    public static void write(org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback,
                      Refusal error) {
        byte[] body;
        try {
            body = JsonMapping.answer(new ApiError(error.code(), error.getMessage(), error.details()));
        } catch (JsonProcessingException e) {
            body = ("{\"error\":\"" + error.code() + "\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatus(error.status());
        response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }

    /**
     * Statuses of 5xx that answer what the client sent (an unknown protocol version or transfer coding),
     * not a failure of the server: they are logged in one line, without a correlation id.
     */
    public static boolean isClientProtocolError(int status) {
        return status == 501 || status == 505;
    }

    /** The error code for a bare HTTP status. */
    public static String codeOf(int status) {
        return ErrorCode.ofStatus(status).map(ErrorCode::code)
                .orElse(status >= 500 ? ErrorCode.INTERNAL_ERROR.code() : "http_" + status);
    }

    /** A message for a bare HTTP status. */
    public static String messageOf(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 404 -> "there is nothing at this address";
            case 405 -> "this method is not allowed here";
            case 406 -> "no acceptable representation";
            case 408 -> "the request did not arrive in time";
            case 413 -> "the request body is too large";
            case 414 -> "the request URI is too long";
            case 415 -> "unsupported content type";
            case 417 -> "only the Expect value 100-continue is understood";
            case 431 -> "the request headers are too large";
            case 501 -> "this is not implemented here";
            case 505 -> "only HTTP/1.0, HTTP/1.1 and HTTP/2 are spoken here";
            default -> "HTTP status " + status;
        };
    }
}
