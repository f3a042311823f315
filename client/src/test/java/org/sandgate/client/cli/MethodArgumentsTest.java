package org.sandgate.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodArgumentsTest {
    private static final String LISTING = """
            {"services": [{"name": "demo", "methods": [{"name": "run", "kind": "job", "arguments": [
              {"name": "text", "type": "string", "required": true},
              {"name": "count", "type": "integer", "required": true},
              {"name": "ratio", "type": "number", "required": false},
              {"name": "loud", "type": "boolean", "required": false}]}]}]}
            """;

    private static MethodArguments schema() throws Exception {
        JsonNode services = new ObjectMapper().readTree(LISTING);
        return MethodArguments.find(services, "demo", "run").orElseThrow();
    }

    @Test
    void eachWordBecomesTheTypeItsArgumentDeclares() throws Exception {
        assertEquals(List.of("42", 7L, new BigDecimal("0.5"), true), schema().bind(List.of("42", "7", "0.5", "true")));
        assertEquals(List.of("true", -3L, new BigDecimal("1e3")), schema().bind(List.of("true", "-3", "1e3")));
    }

    @Test
    void nameEqualsValueGivesAnArgumentByName() throws Exception {
        assertEquals(Map.of("text", "a=b", "count", 2L, "loud", false),
                schema().bind(List.of("a=b", "2", "loud=false")));
        assertEquals(Map.of("text", "x", "count", 1L), schema().bind(List.of("count=1", "text=x")));
    }

    @Test
    void aWordThatDoesNotFitItsTypeIsRefusedNamingTheArgument() throws Exception {
        assertEquals("demo.run: argument 'count' takes an integer; 'seven' is not a whole number",
                assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "seven"))).getMessage());
        assertEquals("demo.run: argument 'ratio' takes a number; 'half' is not a number",
                assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "1", "half"))).getMessage());
        assertEquals("demo.run: argument 'loud' takes a boolean; 'yes' is not true or false",
                assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "1", "1", "yes"))).getMessage());
        assertTrue(assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "99999999999999999999")))
                .getMessage().contains("'99999999999999999999' is not a whole number between"));
        assertTrue(assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "1", "1e999")))
                .getMessage().contains("is not a number of a size a double holds"));
    }

    @Test
    void countsNamesAndOrderAreCheckedBeforeAnythingIsSent() throws Exception {
        assertEquals("demo.run takes 4 arguments (text:string count:integer [ratio:number] [loud:boolean]), not 5",
                assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "1", "1", "true", "more"))).getMessage());
        assertEquals("demo.run: argument 'count' (integer) is missing; it takes text:string count:integer "
                        + "[ratio:number] [loud:boolean]",
                assertThrows(BadArgument.class, () -> schema().bind(List.of("x"))).getMessage());
        assertTrue(assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "count=1", "count=2")))
                .getMessage().contains("'count' is given twice"));
        assertTrue(assertThrows(BadArgument.class, () -> schema().bind(List.of("x", "text=y", "count=1")))
                .getMessage().contains("'text' is given twice, in place and by name"));
        assertTrue(assertThrows(BadArgument.class, () -> schema().bind(List.of("count=1", "x")))
                .getMessage().contains("comes after a NAME=VALUE argument"));
    }

    @Test
    void aMethodTheListingLacksHasNoSchema() throws Exception {
        JsonNode services = new ObjectMapper().readTree(LISTING);
        assertTrue(MethodArguments.find(services, "demo", "other").isEmpty());
        assertTrue(MethodArguments.find(services, "nope", "run").isEmpty());
    }
}
