package org.sandgate.server.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    @Test
    void aDuplicateKeyIsAnErrorNamingTheKeyAndWhereItIs() {
        StrictJson.InvalidJsonException e = assertThrows(StrictJson.InvalidJsonException.class,
                () -> StrictJson.parse("{\"a\": {\"text\": \"x\",\n \"text\": \"y\"}}"));
        assertTrue(e.getMessage().startsWith("duplicate key 'text'"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aSecondDocumentOrTrailingDataIsAnError() {
        for (String text : new String[] {"{} {}", "{}[]", "1 2", "\"a\" \"b\"", "{}\n{}"}) {
            StrictJson.InvalidJsonException e = assertThrows(StrictJson.InvalidJsonException.class,
                    () -> StrictJson.parse(text), text);
            assertTrue(e.getMessage().contains("more data after the JSON document"), text + ": " + e.getMessage());
        }
        assertThrows(StrictJson.InvalidJsonException.class, () -> StrictJson.parse("{} x"));
        assertEquals(1, StrictJson.parse(" {\"a\": 1} \n").path("a").asInt());
    }

    @Test
    void everyMapperMadeStrictRefusesBindingDuplicatesAndTrailingData() {
        ObjectMapper mapper = StrictJson.mapper();
        assertThrows(JsonProcessingException.class, () -> mapper.readValue("{\"a\":1,\"a\":2}", Map.class));
        assertThrows(JsonProcessingException.class, () -> mapper.readValue("{\"a\":1} {\"a\":2}", Map.class));
        YAMLMapper yaml = StrictJson.strict(new YAMLMapper());
        assertThrows(JsonProcessingException.class, () -> yaml.readValue("a: 1\na: 2\n", Map.class));
    }
}
