package org.sandgate.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFilesTest {
    @TempDir
    Path sandbox;

    private Process runScript() throws Exception {
        // as a batch system would: the script on its own, started in the sandbox
        return new ProcessBuilder("/bin/bash", JobFiles.DIR + "/" + JobFiles.SCRIPT_FILE)
                .directory(sandbox.toFile()).redirectErrorStream(true).start();
    }

    @Test
    void everyArgvElementReachesTheProgramAsOneLiteralArgument() throws Exception {
        List<String> hostile = List.of("; rm -rf /", "$(id)", "`id`", "a\nb", "--option", "\"'\\", " ", "", "*", "é\u00ff");
        List<String> argv = new java.util.ArrayList<>(List.of("/usr/bin/printf", "<%s>"));
        argv.addAll(hostile);
        JobFiles.write(new JobRequest("s1", sandbox, argv, Map.of(), Duration.ofSeconds(10)));
        Process p = runScript();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        StringBuilder expected = new StringBuilder();
        hostile.forEach(h -> expected.append('<').append(h).append('>'));
        assertEquals(expected.toString(), out);
        assertEquals(Optional.of(0), JobFiles.exitCode(sandbox));
    }

    @Test
    void theJobSeesItsFixedEnvironmentAndTheServicesVariablesAsData() throws Exception {
        JobFiles.write(new JobRequest("s2", sandbox, List.of("/bin/sh", "-c", "echo \"$SANDGATE_SESSION|$COLOUR|$HOME\""),
                Map.of("COLOUR", "$(id) blue"), Duration.ofSeconds(10)));
        Process p = runScript();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals("s2|$(id) blue|" + sandbox + "\n", out);
    }

    @Test
    void theExitCodeIsLeftAsAFileNameAndReturned() throws Exception {
        JobFiles.write(new JobRequest("s3", sandbox, List.of("/bin/sh", "-c", "exit 42"), Map.of(), Duration.ofSeconds(10)));
        assertEquals(Optional.empty(), JobFiles.exitCode(sandbox));
        assertEquals(42, runScript().waitFor());
        assertEquals(Optional.of(42), JobFiles.exitCode(sandbox));
        assertTrue(Files.exists(sandbox.resolve(JobFiles.DIR).resolve("exit-42")));
    }

    @Test
    void aScriptStartedOutsideItsSandboxRefusesToRun() throws Exception {
        JobFiles.write(new JobRequest("s4", sandbox, List.of("/bin/true"), Map.of(), Duration.ofSeconds(10)));
        Process p = new ProcessBuilder("/bin/bash", sandbox.resolve(JobFiles.DIR).resolve(JobFiles.SCRIPT_FILE).toString())
                .directory(Path.of("/").toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(126, p.waitFor());
        assertTrue(out.contains("not started in its sandbox"), out);
    }

    @Test
    void valuesThatCannotBePassedAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> JobFiles.write(new JobRequest("s5", sandbox,
                List.of("/bin/echo", "nul\0byte"), Map.of(), Duration.ofSeconds(1))));
        assertThrows(IllegalArgumentException.class, () -> JobFiles.write(new JobRequest("s6", sandbox,
                List.of("/bin/true"), Map.of("BAD NAME", "x"), Duration.ofSeconds(1))));
    }
}
