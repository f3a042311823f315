package org.sandgate.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import jakarta.ws.rs.ext.ContextResolver;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.json.StrictJson;

/**
 * The JSON conventions of the API: snake_case names, ISO dates, strict parsing ({@link StrictJson}),
 * and every answer ending in a newline (so that {@code curl} output ends its line).
 */
public final class JsonMapping implements ContextResolver<ObjectMapper> {
    private static final ObjectMapper MAPPER = StrictJson.strict(new ObjectMapper())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The mapper used for every API body. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A request body as one strict JSON document, or null for an empty body.
     *
     * @throws Refusal {@code 400 invalid_json} naming the problem (a duplicate key, data after the
     *                      document, a syntax error) and where it is
     */
    static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refusal(ErrorCode.INVALID_JSON, "the request body is not valid JSON: " + StrictJson.describe(e));
        }
    }

    /**
     * The {@code args} of a call's body {@code {"args": ...}}; {@code null} when there is no body or no
     * {@code args}.
     *
     * @throws Refusal {@code 400 invalid_json} when the body is not a JSON object
     */
    public static JsonNode argsOf(String body) {
        JsonNode root = body(body);
        if (root == null) {
            return null;
        }
        if (!root.isObject()) {
            throw new Refusal(ErrorCode.INVALID_JSON, "the request body must be a JSON object {\"args\": ...}");
        }
        return root.get("args");
    }

    /**
     * The body of a JSON answer: the value serialised, then a newline. Every JSON response (Jersey's,
     * through {@link JsonBodyWriter}, and the Jetty handlers') is made here.
     */
    public static byte[] answer(Object value) throws JsonProcessingException {
        byte[] json = MAPPER.writeValueAsBytes(value);
        byte[] body = java.util.Arrays.copyOf(json, json.length + 1);
        body[json.length] = '\n';
        return body;
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
        return MAPPER;
    }
}
