package org.sandgate.server.plugins;

import java.util.List;
import org.sandgate.service.Argument;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * Jobs for the batch back-end tests; one subclass per back end, so that one server maps each to its
 * own back end by service name.
 */
public abstract class BatchLab implements Service {
    @Override
    public List<ServiceMethod> methods() {
        return List.of(
                ServiceMethod.job("argv")
                        .argument(Argument.string("text"))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> {
                            java.nio.file.Files.writeString(context.sandbox().resolve("input.txt"), "from the service");
                            return JobSpec.of("/bin/sh", "-c",
                                    "printf '%s|' \"$@\"; id -un; cat input.txt; printf '\\n%s' \"$COLOUR\"; pwd >&2",
                                    "job", call.arguments().string("text"), "second")
                                    .withEnvironment(java.util.Map.of("COLOUR", "blue"));
                        }),
                ServiceMethod.job("exit")
                        .argument(Argument.integer("code").withRange(0, 255))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("/bin/sh", "-c", "exit \"$1\"", "exit",
                                Long.toString(call.arguments().integer("code")))),
                ServiceMethod.job("late")
                        .argument(Argument.integer("seconds").withRange(0, 600))
                        .argument(Argument.integer("code").withRange(0, 255))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("/bin/sh", "-c", "sleep \"$1\"; exit \"$2\"", "late",
                                Long.toString(call.arguments().integer("seconds")),
                                Long.toString(call.arguments().integer("code")))),
                ServiceMethod.job("peek")
                        .argument(Argument.string("other").withPattern("[0-9a-f]{32}"))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("cat", "../" + call.arguments().string("other") + "/stdout")),
                ServiceMethod.job("sleep")
                        .argument(Argument.integer("seconds").withRange(0, 600))
                        .cost(args -> 1)
                        .jobHandler((call, context) -> JobSpec.of("sleep",
                                Long.toString(call.arguments().integer("seconds")))));
    }

    /** Jobs that run on this host. */
    public static final class OnLocal extends BatchLab {
        @Override
        public String name() {
            return "lab.local";
        }
    }

    /** Jobs that go to Slurm. */
    public static final class OnSlurm extends BatchLab {
        @Override
        public String name() {
            return "lab.slurm";
        }
    }

    /** Jobs that go to PBS. */
    public static final class OnPbs extends BatchLab {
        @Override
        public String name() {
            return "lab.pbs";
        }
    }

    /** Jobs that go to DRMAA (Grid Engine). */
    public static final class OnDrmaa extends BatchLab {
        @Override
        public String name() {
            return "lab.drmaa";
        }
    }
}
