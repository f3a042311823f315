package org.sandgate.server.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_0-9]+)` \\| (\\d{3}) \\|.*\\|$");

    /** The rows of README's table of error codes: code to status, in the order written. */
    private static Map<String, Integer> readmeTable() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertTrue(Files.isRegularFile(readme), "README.md not found at " + readme.toAbsolutePath());
        List<String> lines = Files.readAllLines(readme);
        int header = lines.indexOf("| error | status | when |");
        assertTrue(header >= 0, "README.md has no table headed '| error | status | when |'");
        Map<String, Integer> table = new LinkedHashMap<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            assertTrue(row.matches(), "not a row of code and status: " + line);
            Integer before = table.put(row.group(1), Integer.parseInt(row.group(2)));
            assertEquals(null, before, "README lists " + row.group(1) + " twice");
        }
        assertFalse(table.isEmpty(), "README's table of error codes is empty");
        return table;
    }

    @Test
    void readmeTableListsExactlyTheErrorCodesWithTheirStatuses() throws IOException {
        Map<String, Integer> documented = new TreeMap<>(readmeTable());
        Map<String, Integer> answered = Arrays.stream(ErrorCode.values())
                .collect(Collectors.toMap(ErrorCode::code, ErrorCode::status, (a, b) -> a, TreeMap::new));
        assertEquals(answered, documented);
    }

    @Test
    void theOpenApiDocumentNamesEveryCodeUnderTheStatusItIsAnsweredWith() throws IOException {
        JsonNode document;
        try (InputStream in = ErrorCodeTest.class.getResourceAsStream("/org/sandgate/server/api/openapi.json")) {
            assertNotNull(in, "openapi.json is not on the class path");
            document = new ObjectMapper().readTree(in);
        }
        Map<String, String> statusOfResponse = new TreeMap<>();
        document.path("paths").forEach(path -> path.forEach(operation -> operation.path("responses").fields()
                .forEachRemaining(r -> {
                    String ref = r.getValue().path("$ref").asText("");
                    if (!ref.isEmpty()) {
                        statusOfResponse.put(ref.substring(ref.lastIndexOf('/') + 1), r.getKey());
                    }
                })));
        Map<String, ErrorCode> byCode = Arrays.stream(ErrorCode.values())
                .collect(Collectors.toMap(ErrorCode::code, c -> c));
        Pattern named = Pattern.compile("\\(([a-z_, ]+)\\)$");
        int checked = 0;
        for (Map.Entry<String, String> response : statusOfResponse.entrySet()) {
            String description = document.path("components").path("responses").path(response.getKey())
                    .path("description").asText();
            Matcher codes = named.matcher(description);
            assertTrue(codes.find(), response.getKey() + " names no codes: " + description);
            for (String code : codes.group(1).split(",\\s*")) {
                ErrorCode known = byCode.get(code);
                assertNotNull(known, response.getKey() + " names " + code + ", which the server never answers");
                assertEquals(response.getValue(), String.valueOf(known.status()), code + " under " + response.getKey());
                checked++;
            }
        }
        assertTrue(checked >= 10, "only " + checked + " codes found in the OpenAPI document");
    }

    @Test
    void everyCodeIsDistinctAndIsAnHttpErrorStatus() {
        assertEquals(ErrorCode.values().length,
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count());
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(code.status() >= 400 && code.status() < 600, code + " has status " + code.status());
            assertEquals(code.name().toLowerCase(java.util.Locale.ROOT), code.code());
        }
    }

    @Test
    void aBareStatusGetsACodeAnsweredWithThatStatus() {
        for (int status = 400; status < 600; status++) {
            int s = status;
            ErrorCode.ofStatus(status).ifPresent(code -> assertEquals(s, code.status(), code.code()));
        }
        assertEquals(ErrorCode.NOT_FOUND, ErrorCode.ofStatus(404).orElseThrow());
        assertTrue(ErrorCode.ofStatus(409).isEmpty());
    }

    @Test
    void aRefusalAnswersItsCodesStatus() {
        Refusal refusal = new Refusal(ErrorCode.TOO_MANY_ARCHIVES, "later", Map.of("limit", 2));
        assertEquals(429, refusal.status());
        assertEquals("too_many_archives", refusal.code());
        assertEquals(Map.of("limit", 2), refusal.details());
    }
}
