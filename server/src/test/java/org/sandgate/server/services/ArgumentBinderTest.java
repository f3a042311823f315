package org.sandgate.server.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sandgate.server.errors.Refusal;
import org.sandgate.service.Argument;
import org.sandgate.service.Arguments;

class ArgumentBinderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Argument> SCHEMA = List.of(
            Argument.integer("n").withRange(1, 10),
            Argument.number("x"),
            Argument.string("mode").withAllowed(List.of("fast", "slow")),
            Argument.string("name").withPattern("[a-z]+").withMaxLength(8).optional(),
            Argument.bool("verbose").optional());

    private static Arguments bind(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return ArgumentBinder.bind(SCHEMA, node);
    }

    private static String refusedArgument(String json) {
        Refusal e = assertThrows(Refusal.class, () -> bind(json));
        assertEquals(400, e.status());
        assertEquals("invalid_argument", e.code());
        return (String) e.details().get("argument");
    }

    @Test
    void positionalAndNamedArgumentsBindTheSame() throws Exception {
        Arguments a = bind("[3, 2.5, \"fast\", \"abc\", true]");
        Arguments b = bind("{\"verbose\": true, \"name\": \"abc\", \"mode\": \"fast\", \"x\": 2.5, \"n\": 3}");
        assertEquals(a.asMap(), b.asMap());
        assertEquals(3L, a.integer("n"));
        assertEquals(2.5, a.number("x"));
        assertEquals("abc", a.string("name"));
    }

    @Test
    void optionalArgumentsMayBeLeftOut() throws Exception {
        Arguments a = bind("[3, 1, \"slow\"]");
        assertEquals(java.util.Optional.empty(), a.find("name"));
    }

    @Test
    void eachKindOfMisfitNamesItsArgument() {
        assertEquals("n", refusedArgument("[0, 1, \"fast\"]"));
        assertEquals("n", refusedArgument("[1.5, 1, \"fast\"]"));
        assertEquals("n", refusedArgument("[\"1\", 1, \"fast\"]"));
        assertEquals("n", refusedArgument("[99999999999999999999999, 1, \"fast\"]"));
        assertEquals("x", refusedArgument("[1, \"NaN\", \"fast\"]"));
        assertEquals("mode", refusedArgument("[1, 1, \"medium\"]"));
        assertEquals("name", refusedArgument("[1, 1, \"fast\", \"ABC\"]"));
        assertEquals("name", refusedArgument("[1, 1, \"fast\", \"abcdefghi\"]"));
        assertEquals("verbose", refusedArgument("[1, 1, \"fast\", \"a\", \"yes\"]"));
        assertEquals("mode", refusedArgument("[1, 1]"));
        assertEquals("other", refusedArgument("{\"n\": 1, \"x\": 1, \"mode\": \"fast\", \"other\": 1}"));
    }

    @Test
    void tooManyArgumentsOrAnotherShapeIsRefused() {
        assertEquals(null, refusedArgument("[1, 1, \"fast\", \"a\", true, 6]"));
        assertEquals(null, refusedArgument("\"just a string\""));
    }
}
