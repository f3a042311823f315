package org.sandgate.examples.echo;

import java.util.List;
import java.util.Map;
import org.sandgate.service.Argument;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;

/**
 * {@code echo.echo(text, [times])}: returns its arguments, and who called. An immediate method that
 * costs nothing, so every tier may call it.
 */
public final class EchoService implements Service {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "returns its arguments";
    }

    @Override
    public List<ServiceMethod> methods() {
        return List.of(ServiceMethod.immediate("echo")
                .description("returns the text (repeated 'times' times) and the caller's identity")
                .argument(Argument.string("text").withMaxLength(4096).withDescription("any text"))
                .argument(Argument.integer("times").withRange(1, 10).optional())
                .cost(args -> 0)
                .handler(call -> {
                    long times = (Long) call.arguments().find("times").orElse(1L);
                    return Map.of(
                            "text", call.arguments().string("text"),
                            "echo", String.valueOf(call.arguments().string("text")).repeat((int) times),
                            "caller", call.caller().dn().orElse("anonymous"),
                            "tier", call.caller().tier().wireName());
                }));
    }
}
