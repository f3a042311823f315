package org.sandgate.server.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sandgate.server.json.StrictJson;

/** Form fields from an argument schema, and the arguments a filled-in form stands for. */
class FormsTest {
    private static final JsonNode SCHEMA = StrictJson.parse("""
            [{"name": "seconds", "type": "integer", "required": true, "min": 0, "max": 86400},
             {"name": "scale", "type": "number", "required": false},
             {"name": "mode", "type": "string", "required": true, "enum": ["fast", "slow"], "max_length": 4096},
             {"name": "label", "type": "string", "required": false, "pattern": "[a-z]+", "max_length": 20},
             {"name": "notes", "type": "string", "required": false, "max_length": 4096},
             {"name": "verbose", "type": "boolean", "required": false},
             {"name": "input", "type": "string", "required": true, "max_length": 1000, "file": "in.txt"}]
            """);

    @Test
    void eachTypeGetsItsControlAndTheBrowsersChecks() {
        List<FieldView> f = Forms.fields(SCHEMA, name -> null, Map.of("seconds", "too big"));
        assertEquals(List.of("input", "input", "select", "input", "textarea", "select", "file"),
                f.stream().map(FieldView::control).toList());
        assertEquals("number", f.get(0).inputType());
        assertEquals("1", f.get(0).step());
        assertEquals("0", f.get(0).min());
        assertEquals("86400", f.get(0).max());
        assertTrue(f.get(0).required());
        assertEquals("too big", f.get(0).error());
        assertEquals("arg-seconds-help arg-seconds-error", f.get(0).describedBy());
        assertEquals("any", f.get(1).step());
        assertEquals(List.of("", "fast", "slow"), f.get(2).options().stream().map(FieldView.Option::value).toList());
        assertEquals("[a-z]+", f.get(3).pattern());
        assertEquals(20, f.get(3).maxLength());
        assertEquals("arg-label-help", f.get(3).describedBy());
        assertTrue(f.get(6).help().contains("in.txt"), f.get(6).help());
    }

    @Test
    void valuesAreSentAsTheirTypesWhenTheyReadAsThem() {
        Map<String, String> form = Map.of("seconds", "5", "scale", "2.5e3", "mode", "fast", "verbose", "true",
                "label", "");
        JsonNode args = Forms.args(SCHEMA, form::get);
        assertEquals("{\"seconds\":5,\"scale\":2.5E+3,\"mode\":\"fast\",\"verbose\":true}", args.toString());
    }

    @Test
    void valuesThatDoNotReadAsTheirTypeAreLeftForTheServerToRefuse() {
        Map<String, String> form = Map.of("seconds", "5.5", "scale", "NaN", "verbose", "maybe");
        JsonNode args = Forms.args(SCHEMA, form::get);
        assertEquals("5.5", args.get("seconds").asText());
        assertTrue(args.get("seconds").isTextual());
        assertTrue(args.get("scale").isTextual(), "NaN is no JSON number");
        assertTrue(args.get("verbose").isTextual());
    }

    @Test
    void theCostPreviewCountsFilesEmpty() {
        JsonNode args = Forms.args(SCHEMA, name -> null, true);
        assertEquals("", args.get("input").asText());
        assertNull(Forms.args(SCHEMA, name -> null).get("input"));
    }

    @Test
    void sizesAreForPeople() {
        assertEquals("0 B", Sizes.human(0));
        assertEquals("1023 B", Sizes.human(1023));
        assertEquals("1.0 KiB", Sizes.human(1024));
        assertEquals("195 KiB", Sizes.human(200_000));
        assertEquals("1.0 GiB", Sizes.human(1L << 30));
    }
}
