package org.sandgate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void aWordIsALowerCaseLetterThenUpTo63LettersDigitsAndUnderscores() {
        assertTrue(Names.isWord("a"));
        assertTrue(Names.isWord("add_2"));
        assertTrue(Names.isWord("a" + "b".repeat(63)));
        assertFalse(Names.isWord("a" + "b".repeat(64)));
        assertFalse(Names.isWord(""));
        assertFalse(Names.isWord(null));
        for (String bad : new String[] {"2add", "_add", "Add", "a-b", "a.b", "a b", "ä", "a\n"}) {
            assertFalse(Names.isWord(bad), bad);
        }
    }

    @Test
    void methodAndArgumentNamesAreWords() {
        assertEquals("seconds", Argument.integer("seconds").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Argument.integer("Seconds"));
        assertTrue(e.getMessage().contains(Names.WORD.pattern()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceMethod.immediate("no-dash"));
    }

    @Test
    void aJobsEnvironmentVariableIsALetterOrUnderscoreThenLettersDigitsAndUnderscores() {
        assertTrue(Names.isEnvironmentVariable("COLOUR"));
        assertTrue(Names.isEnvironmentVariable("_x1"));
        for (String bad : new String[] {"", "1X", "A-B", "A=B", "A B", "Ä"}) {
            assertFalse(Names.isEnvironmentVariable(bad), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> JobSpec.of(java.util.List.of("/bin/true")).withEnvironment(java.util.Map.of("A=B", "x")));
    }
}
