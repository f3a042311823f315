package org.sandgate.server.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON read one way only: a duplicate key, data after the document or a second document is an
 * error, never "the last key wins" or "the rest is ignored" — so a front end, a callout or a token
 * issuer that parses differently cannot see other values than the server. Every mapper of the server
 * is made here.
 */
public final class StrictJson {
    private static final ObjectMapper PLAIN = mapper();

    private StrictJson() {
    }

    /** A new mapper with the strict settings. */
    public static ObjectMapper mapper() {
        return strict(new ObjectMapper());
    }

    /** Turns the strict settings on for a mapper (of any data format) and returns it. */
    public static <M extends ObjectMapper> M strict(M mapper) {
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    /**
     * Parses one JSON document strictly.
     *
     * @throws InvalidJsonException naming the problem and where it is
     */
    public static JsonNode parse(String text) {
        try {
            return PLAIN.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(describe(e));
        }
    }

    /** What is wrong with a document, for the client: the problem and its line and column. */
    public static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        String problem;
        if (original.startsWith("Duplicate field ")) {
            problem = "duplicate key " + original.substring("Duplicate field ".length());
        } else if (original.startsWith("Trailing token")) {
            problem = "more data after the JSON document (one document only)";
        } else {
            problem = original.replaceAll("\\p{Cntrl}", " ");
            if (problem.length() > 200) {
                problem = problem.substring(0, 197) + "...";
            }
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 0 ? problem
                : problem + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** A document that is not one strict JSON value. */
    public static final class InvalidJsonException extends IllegalArgumentException {
        public InvalidJsonException(String message) {
            super(message, null);
        }
    }
}
