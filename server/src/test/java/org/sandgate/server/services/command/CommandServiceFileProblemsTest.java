package org.sandgate.server.services.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.process.Commands;

/** A command service file of the wrong shape is told in the file's words, with its line. */
class CommandServiceFileProblemsTest {
    @TempDir
    Path dir;

    private String problemOf(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("broken.yaml"), yaml);
        return assertThrows(IllegalArgumentException.class, () -> new CommandServices(new Commands(Duration.ofSeconds(5))).read(file))
                .getMessage();
    }

    @Test
    void methodsGivenAsAListAreExpectedAsAMapWithoutJavaTypeNames() throws Exception {
        String problem = problemOf("service: broken\nmethods:\n  - run\n");
        assertEquals("line 2: key 'methods': expected a map of keys (key: value), found a list", problem);
    }

    @Test
    void aMethodGivenAsTextIsExpectedAsAMap() throws Exception {
        String problem = problemOf("service: broken\nmethods:\n  run: echo\n");
        assertFalse(problem.contains("java."), problem);
        assertFalse(problem.contains("JsonToken"), problem);
        assertEquals("line 3: key 'methods.run': expected a map of keys (key: value), found 'echo'", problem);
    }
}
