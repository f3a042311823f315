package org.sandgate.server.plugins;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.sandgate.service.Argument;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * A service that gives a hostile account the worst case: it writes its inputs into the new sandbox,
 * tells the account where the sandbox is (through the meeting directory {@code meet}), and waits
 * until the account has planted its links and FIFOs and started flipping before it returns, so that
 * the server hands the sandbox over while the account races it.
 */
public final class RaceLab implements Service {
    /** Files the service writes, as a service writes its inputs. */
    public static final int INPUTS = 40;

    @Override
    public String name() {
        return "lab.race";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(ServiceMethod.job("handover")
                .argument(Argument.string("meet"))
                .cost(args -> 1)
                .jobHandler((call, context) -> {
                    Path sandbox = context.sandbox();
                    for (int i = 0; i < INPUTS; i++) {
                        Files.writeString(sandbox.resolve("in-" + i), "input " + i);
                    }
                    Path meet = Path.of(call.arguments().string("meet"));
                    Path go = meet.resolve("go-" + sandbox.getFileName());
                    Path next = meet.resolve("box.new");
                    Files.writeString(next, sandbox.toString());
                    Files.setPosixFilePermissions(next, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                    Files.move(next, meet.resolve("box"), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                    while (!Files.exists(go) && Instant.now().isBefore(deadline)) {
                        Thread.sleep(2);
                    }
                    return JobSpec.of("true");
                }));
    }
}
