package org.sandgate.examples.sleepy;

import java.math.BigDecimal;
import java.util.List;
import org.sandgate.service.Argument;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * {@code sleepy.add(seconds, a, b)}, the NESSSI sample: a job that sleeps, then writes
 * {@code sleepyadd 3 + 5 = 8} to its standard output. It costs {@code seconds + 1} CPU-seconds.
 *
 * <p>The job is a fixed shell script; the numbers reach it as positional parameters, so nothing a
 * caller sends is ever read as shell syntax.
 */
public final class SleepyService implements Service {
    private static final String SCRIPT = "sleep \"$1\" && echo \"sleepyadd $2 + $3 = $4\"";

    @Override
    public String name() {
        return "sleepy";
    }

    @Override
    public String description() {
        return "the NESSSI sample: sleep, then add two numbers";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(ServiceMethod.job("add")
                .description("sleeps 'seconds', then writes 'sleepyadd a + b = sum' to stdout")
                .argument(Argument.integer("seconds").withRange(0, 86_400))
                .argument(Argument.number("a").withRange(-1e15, 1e15))
                .argument(Argument.number("b").withRange(-1e15, 1e15))
                .cost(args -> args.integer("seconds") + 1)
                .jobHandler((call, context) -> {
                    BigDecimal a = BigDecimal.valueOf(call.arguments().number("a"));
                    BigDecimal b = BigDecimal.valueOf(call.arguments().number("b"));
                    return JobSpec.of("/bin/sh", "-c", SCRIPT, "sleepy",
                            Long.toString(call.arguments().integer("seconds")),
                            plain(a), plain(b), plain(a.add(b)));
                }));
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }
}
