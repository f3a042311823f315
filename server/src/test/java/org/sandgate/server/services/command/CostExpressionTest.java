package org.sandgate.server.services.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sandgate.service.Arguments;

/** The cost of a command method: arithmetic over its numeric and boolean arguments, checked when it is read. */
class CostExpressionTest {
    static Arguments args(Object... nameValue) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put((String) nameValue[i], nameValue[i + 1]);
        }
        return new Arguments(m);
    }

    @Test
    void evaluatesArithmeticWithMinAndMaxOverTheArguments() {
        CostExpression cost = CostExpression.of("n * 2 + max(x, 0) + min(n, 3)", Set.of("n", "x"));
        assertEquals(10 * 2 + 1.5 + 3, cost.evaluate(args("n", 10L, "x", 1.5)));
        assertEquals(2 * 2 + 0 + 2, cost.evaluate(args("n", 2L, "x", -7.0)));
    }

    @Test
    void aBooleanCountsAsOneOrZeroAndAnAbsentOptionalAsZero() {
        CostExpression cost = CostExpression.of("100 * big + n", Set.of("big", "n"));
        assertEquals(105, cost.evaluate(args("big", true, "n", 5L)));
        assertEquals(5, cost.evaluate(args("big", false, "n", 5L)));
        assertEquals(100, cost.evaluate(args("big", true)));
    }

    @Test
    void aConstantCostNeedsNoArguments() {
        assertEquals(1, CostExpression.of("1", Set.of()).evaluate(args()));
    }

    @Test
    void anExpressionThatUsesANameThatIsNoNumericArgumentIsRefusedWhenRead() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CostExpression.of("n * text", Set.of("n")));
        assertTrue(e.getMessage().startsWith("cost 'n * text'"), e.getMessage());
    }

    @Test
    void anExpressionThatDoesNotParseIsRefusedWhenRead() {
        for (String bad : new String[] {"n *", "(n", "max(n)", "system(n)", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CostExpression.of(bad, Set.of("n")), bad);
            assertTrue(e.getMessage().startsWith("cost '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void oneExpressionServesConcurrentCallsWithTheirOwnValues() throws Exception {
        CostExpression cost = CostExpression.of("n * 3", Set.of("n"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var results = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
            for (long i = 0; i < 2000; i++) {
                long n = i;
                results.add(pool.submit(() -> cost.evaluate(args("n", n)) == n * 3));
            }
            for (var r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
