package org.sandgate.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentCommandsTest {
    private final List<String> names = AgentCommands.of(Main.commandLine(Invocation.ofThisProcess()));

    @Test
    void theCommandsThatTalkToAServerAndAgentRunInTheAgent() {
        assertEquals(List.of("whoami", "services", "call", "status", "watch", "ls", "fetch", "cancel", "agent"), names);
    }

    @Test
    void commandsThatOnlyReadLocalFilesRunInAProcessOfTheirOwn() {
        for (String local : List.of("proxy-init", "proxy-info", "completion")) {
            assertTrue(Main.commandLine(Invocation.ofThisProcess()).getSubcommands().containsKey(local), local);
            assertFalse(names.contains(local), local);
        }
    }

    @Test
    void theListTheLauncherReadsIsTheOneTheBuildWroteFromTheCommandTree() throws IOException {
        Path written = Path.of("target", "agent-commands");
        assertTrue(Files.isRegularFile(written), "the build did not write " + written.toAbsolutePath());
        assertEquals(String.join(" ", names) + "\n", Files.readString(written));
        String launcher = Files.readString(Path.of("..", "bin", "sandgate"));
        assertTrue(launcher.contains("agent-commands"), "bin/sandgate reads the list the build writes");
        assertFalse(launcher.contains("whoami|"), "bin/sandgate keeps no list of its own");
    }
}
