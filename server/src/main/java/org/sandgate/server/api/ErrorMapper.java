package org.sandgate.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses. {@link ApiException}s carry their status,
 * code and message; JAX-RS errors (404, 405, 415 ...) and Jetty's (413 for a chunked body over its limit)
 * keep their status; anything else is a 500 whose
 * body holds only a correlation id, with the details in the server log.
 */
public final class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof RetryLaterException later) {
            return Response.fromResponse(respond(later.status(), new ApiError(later.code(), later.getMessage(),
                    later.details()))).header("Retry-After", later.retryAfterSeconds()).build();
        }
        if (exception instanceof ApiException api) {
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
            return respond(400, new ApiError("invalid_json", "the request body is not valid JSON: "
                    + org.sandgate.server.json.StrictJson.describe(json), Map.of()));
        }
        return internal(exception);
    }

    private static Response internal(Throwable exception) {
        String id = UUID.randomUUID().toString();
        LOG.error("internal error {}", id, exception);
        return respond(500, new ApiError("internal_error",
                "the server failed to handle the request; quote " + id + " to the administrator",
                Map.of("correlation_id", id)));
    }

    static Response respond(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    /** Writes an error from a Jetty handler in front of the JAX-RS application, in the same shape. */
    public static void write(org.eclipse.jetty.server.Response response, org.eclipse.jetty.util.Callback callback,
                      ApiException error) {
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
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 408 -> "request_timeout";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 417 -> "expectation_failed";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 503 -> "unavailable";
            case 505 -> "http_version_not_supported";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
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
