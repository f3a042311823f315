package org.sandgate.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.json.StrictJson;
import org.sandgate.service.Argument;

/** The cost preview names every argument that does not fit, not only the first. */
class CostPreviewBindingTest {
    private static final List<Argument> SCHEMA = List.of(
            Argument.integer("seconds").withRange(0, 100),
            Argument.string("label").withPattern("[a-z]+"),
            Argument.number("scale").optional());

    private static List<?> errors(String args) {
        JsonNode node = StrictJson.parse(args);
        Refusal r = assertThrows(Refusal.class, () -> CostPreviewResource.bind(SCHEMA, node));
        assertEquals("invalid_argument", r.code());
        return (List<?>) r.details().get("errors");
    }

    @Test
    void everyArgumentThatDoesNotFitIsNamed() {
        List<?> errors = errors("{\"seconds\": 500, \"label\": \"NO\"}");
        assertEquals(2, errors.size(), errors.toString());
        assertEquals("seconds", ((Map<?, ?>) errors.get(0)).get("argument"));
        assertEquals("label", ((Map<?, ?>) errors.get(1)).get("argument"));
    }

    @Test
    void positionalArgumentsAreNamedByTheirPlace() {
        List<?> errors = errors("[1, 7]");
        assertEquals(List.of("label"), errors.stream().map(e -> ((Map<?, ?>) e).get("argument")).toList());
    }

    @Test
    void missingRequiredArgumentsAreEachNamed() {
        List<?> errors = errors("{}");
        assertEquals(List.of("seconds", "label"), errors.stream().map(e -> ((Map<?, ?>) e).get("argument")).toList());
    }

    @Test
    void anUnknownArgumentIsReportedByItsName() {
        List<?> errors = errors("{\"seconds\": 1, \"label\": \"ok\", \"colour\": 3}");
        assertEquals(1, errors.size());
        assertEquals("colour", ((Map<?, ?>) errors.get(0)).get("argument"));
    }

    @Test
    void argumentsThatFitBind() {
        assertEquals(5L, CostPreviewResource.bind(SCHEMA, StrictJson.parse("[5, \"abc\"]")).integer("seconds"));
    }
}
