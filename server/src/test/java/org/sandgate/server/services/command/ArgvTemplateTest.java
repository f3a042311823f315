package org.sandgate.server.services.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A command line with whole-element placeholders: each value is one argv element, never part of a string. */
class ArgvTemplateTest {
    static IllegalArgumentException refused(List<String> command, Set<String> arguments) {
        return assertThrows(IllegalArgumentException.class, () -> ArgvTemplate.of(command, arguments));
    }

    @Test
    void aPlaceholderBecomesExactlyOneElementWhateverTheValueHolds() {
        ArgvTemplate t = ArgvTemplate.of(List.of("printf", "<%s>", "{text}", "--"), Set.of("text"));
        String hostile = "$(id); rm -rf / `id` \"q\" 'q' --flag\nnewline {text}";
        assertEquals(List.of("printf", "<%s>", hostile, "--"),
                t.render(CostExpressionTest.args("text", hostile), Map.of()));
    }

    @Test
    void anAbsentOptionalArgumentDropsOut() {
        ArgvTemplate t = ArgvTemplate.of(List.of("grep", "{pattern}", "{file}"), Set.of("pattern", "file"));
        assertEquals(List.of("grep", "x"), t.render(CostExpressionTest.args("pattern", "x"), Map.of()));
    }

    @Test
    void aFileArgumentBecomesTheNameItWasWrittenUnder() {
        ArgvTemplate t = ArgvTemplate.of(List.of("cat", "{data}"), Set.of("data"));
        assertEquals(List.of("cat", "data.txt"),
                t.render(CostExpressionTest.args("data", new byte[] {1}), Map.of("data", "data.txt")));
    }

    @Test
    void numbersAreWrittenPlainWithoutExponentOrTrailingZeros() {
        assertEquals("3", ArgvTemplate.text(3.0));
        assertEquals("0.5", ArgvTemplate.text(0.50));
        assertEquals("10000000000", ArgvTemplate.text(1e10));
        assertEquals("0.0000001", ArgvTemplate.text(1e-7));
        assertEquals("42", ArgvTemplate.text(42L));
        assertEquals("true", ArgvTemplate.text(true));
    }

    @Test
    void aPlaceholderInsideOtherTextIsRefusedWhenTheTemplateIsMade() {
        IllegalArgumentException e = refused(List.of("sh", "-c", "echo {text}"), Set.of("text"));
        assertTrue(e.getMessage().contains("element 2") && e.getMessage().contains("whole element"), e.getMessage());
        refused(List.of("cp", "--target={dir}"), Set.of("dir"));
    }

    @Test
    void bracesThatNameNoArgumentInsideTextAreLeftAlone() {
        ArgvTemplate t = ArgvTemplate.of(List.of("awk", "{print $1}", "{file}"), Set.of("file"));
        assertEquals(List.of("awk", "{print $1}", "f"), t.render(CostExpressionTest.args("file", "f"), Map.of()));
    }

    @Test
    void aWholePlaceholderOfNoArgumentIsRefused() {
        IllegalArgumentException e = refused(List.of("echo", "{nosuch}"), Set.of("text"));
        assertTrue(e.getMessage().contains("names no argument"), e.getMessage());
    }

    @Test
    void theProgramMustBeNamedAndCannotBeAnArgument() {
        assertTrue(refused(List.of(), Set.of()).getMessage().contains("must name a program"));
        assertTrue(refused(List.of(" "), Set.of()).getMessage().contains("must name a program"));
        assertTrue(refused(List.of("{prog}", "x"), Set.of("prog")).getMessage().contains("program itself"));
    }

    @Test
    void anEmptyElementIsRefused() {
        List<String> command = new java.util.ArrayList<>(List.of("echo"));
        command.add(null);
        assertTrue(refused(command, Set.of()).getMessage().contains("element 1 is empty"));
    }
}
