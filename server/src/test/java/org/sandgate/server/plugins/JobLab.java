package org.sandgate.server.plugins;

import java.time.Duration;
import java.util.List;
import org.sandgate.service.Argument;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/** Test jobs: one that sleeps past a one-second limit, one that exits with a code, one whose preparation fails. */
public final class JobLab implements Service {
    @Override
    public String name() {
        return "lab.jobs";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(
                ServiceMethod.job("overrun")
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("sleep", "30").withWallTime(Duration.ofSeconds(1))),
                ServiceMethod.job("exit")
                        .argument(Argument.integer("code").withRange(0, 255))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("/bin/sh", "-c", "echo out; echo err >&2; exit \"$1\"",
                                "exit", Long.toString(call.arguments().integer("code")))),
                ServiceMethod.job("argv")
                        .argument(Argument.string("text"))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> {
                            java.nio.file.Files.writeString(context.sandbox().resolve("input.txt"), call.arguments().string("text"));
                            return JobSpec.of("printf", "%s|", call.arguments().string("text"), "second");
                        }),
                ServiceMethod.job("context")
                        .argument(Argument.string("other").withPattern("[0-9a-f]{32}"))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> {
                            String other = context.status(call.arguments().string("other"))
                                    .map(s -> s.state() + ":" + s.exitCode().map(String::valueOf).orElse("-"))
                                    .orElse("invisible");
                            return JobSpec.of("printf", "%s %s %s", context.sessionId(),
                                    context.caller().account().orElse("?"), other);
                        }),
                ServiceMethod.job("environment")
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("env").withEnvironment(java.util.Map.of("COLOUR", "blue"))),
                ServiceMethod.job("broken")
                        .cost(args -> 1)
                        .jobHandler((call, context) -> {
                            throw new IllegalStateException("secret failure");
                        }));
    }
}
