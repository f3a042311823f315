package org.sandgate.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.ws.rs.core.SecurityContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.spi.ContainerResponseWriter;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.json.StrictJson;

/**
 * The REST API, called in-process for a caller the portal has authenticated: every page and form
 * goes through the same resources, checks, audit and error codes as a client of the API. The request
 * is handed to the Jersey application as its HTTP container would hand it, with the caller as its
 * security context; the JSON answer is read back.
 */
public final class ApiClient {
    private final Supplier<ApplicationHandler> application;

    /** @param application the API's Jersey application (asked on every call: a container may replace it) */
    public ApiClient(Supplier<ApplicationHandler> application) {
        this.application = application;
    }

    /**
     * One answer of the API.
     *
     * @param status the HTTP status
     * @param body   the JSON body (an empty object when there was none)
     */
    public record Answer(int status, JsonNode body) {
        /** Whether the status is 2xx. */
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The error code of a refusal ({@code ""} for a success). */
        public String error() {
            return ok() ? "" : body.path("error").asText("");
        }

        /** The message of a refusal. */
        public String message() {
            return body.path("message").asText("");
        }
    }

    /** {@code GET path}. */
    public Answer get(RequestCaller caller, URI base, String path) {
        return call(caller, base, "GET", path, Optional.empty());
    }

    /** {@code method path} with a JSON body, or none. */
    public Answer call(RequestCaller caller, URI base, String method, String path, Optional<byte[]> json) {
        ApplicationHandler app = application.get();
        ContainerRequest request = new ContainerRequest(base, base.resolve(path), method, new CallerContext(caller),
                new MapPropertiesDelegate(), app.getConfiguration());
        json.ifPresent(body -> {
            request.header("Content-Type", "application/json");
            request.header("Content-Length", String.valueOf(body.length));
            request.setEntityStream(new ByteArrayInputStream(body));
        });
        request.header("Accept", "application/json");
        Capture capture = new Capture();
        request.setWriter(capture);
        app.handle(request);
        byte[] bytes = capture.out.toByteArray();
        JsonNode body;
        try {
            body = bytes.length == 0 ? JsonNodeFactory.instance.objectNode() : StrictJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("the API answered something that is not JSON", e);
        }
        return new Answer(capture.status, body);
    }

    /** The caller, as the API's authentication handler would have set it. */
    private record CallerContext(RequestCaller caller) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false;
        }

        @Override
        public boolean isSecure() {
            return true;
        }

        @Override
        public String getAuthenticationScheme() {
            return SecurityContext.CLIENT_CERT_AUTH;
        }
    }

    /** Keeps the status and body of the answer. */
    private static final class Capture implements ContainerResponseWriter {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = 500;

        @Override
        public OutputStream writeResponseStatusAndHeaders(long contentLength, ContainerResponse response) {
            status = response.getStatus();
            return out;
        }

        @Override
        public boolean suspend(long timeOut, TimeUnit timeUnit, TimeoutHandler timeoutHandler) {
            return false;
        }

        @Override
        public void setSuspendTimeout(long timeOut, TimeUnit timeUnit) {
        }

        @Override
        public void commit() {
        }

        @Override
        public void failure(Throwable error) {
            status = 500;
        }

        @Override
        public boolean enableResponseBuffering() {
            return true;
        }
    }
}
