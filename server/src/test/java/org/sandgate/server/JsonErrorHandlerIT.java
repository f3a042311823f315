package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** A handler in front of the API that fails answers a JSON 500 with a correlation id, never a stack trace. */
class JsonErrorHandlerIT {

    @Test
    void failureInAJettyHandlerIsA500WithACorrelationId() throws Exception {
        Server jetty = new Server();
        ServerConnector http = new ServerConnector(jetty);
        http.setPort(0);
        jetty.addConnector(http);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                throw new IllegalStateException("a library failed");
            }
        });
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.start();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + http.getLocalPort() + "/api/v1/whoami")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode(), r.body());
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertEquals("internal_error", body.path("error").asText(), r.body());
            String id = body.path("correlation_id").asText();
            assertTrue(id.matches("[0-9a-f-]{36}"), r.body());
            assertTrue(body.path("message").asText().contains(id), r.body());
            assertFalse(r.body().contains("IllegalStateException"), r.body());
        } finally {
            jetty.stop();
        }
    }
}
