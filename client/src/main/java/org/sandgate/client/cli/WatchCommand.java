package org.sandgate.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;

/**
 * {@code sandgate watch ID}: the session's state changes as they happen (its event stream), with the
 * time since the watch began; exits with the job's exit code once it has ended.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow a session's state changes live; exit with the job's exit code.")
final class WatchCommand extends SessionCommand {
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant start = Instant.now();
        return Failures.runOnSession(spec.commandLine().getErr(), connection, () -> {
            JsonNode last = connection.client().events(id, event -> {
                if (connection.json) {
                    out.println(event.toString());
                } else {
                    long s = Duration.between(start, Instant.now()).toSeconds();
                    String exit = event.path("exit_code").isNull() || event.path("exit_code").isMissingNode()
                            ? "" : " (exit " + event.path("exit_code").asInt() + ")";
                    String message = event.path("message").isTextual() ? ": " + event.path("message").asText() : "";
                    out.printf("[%d:%02d:%02d] %s%s%s%n", s / 3600, s / 60 % 60, s % 60,
                            event.path("state").asText(), exit, message);
                }
                out.flush();
            });
            return switch (last.path("state").asText()) {
                case "DONE" -> 0;
                case "FAILED" -> last.path("exit_code").isInt() && last.path("exit_code").asInt() != 0
                        ? last.path("exit_code").asInt() : Main.REFUSED;
                default -> Main.REFUSED;
            };
        });
    }
}
