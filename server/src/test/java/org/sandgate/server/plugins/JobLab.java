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
                        .jobHandler((call, sandbox) -> JobSpec.of("sleep", "30").withWallTime(Duration.ofSeconds(1))),
                ServiceMethod.job("exit")
                        .argument(Argument.integer("code").withRange(0, 255))
                        .cost(args -> 1)
                        .jobHandler((call, sandbox) -> JobSpec.of("/bin/sh", "-c", "echo out; echo err >&2; exit \"$1\"",
                                "exit", Long.toString(call.arguments().integer("code")))),
                ServiceMethod.job("argv")
                        .argument(Argument.string("text"))
                        .cost(args -> 1)
                        .jobHandler((call, sandbox) -> {
                            java.nio.file.Files.writeString(sandbox.resolve("input.txt"), call.arguments().string("text"));
                            return JobSpec.of("printf", "%s|", call.arguments().string("text"), "second");
                        }),
                ServiceMethod.job("broken")
                        .cost(args -> 1)
                        .jobHandler((call, sandbox) -> {
                            throw new IllegalStateException("secret failure");
                        }));
    }
}
