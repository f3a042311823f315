package org.sandgate.server.services.command;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.objecthunter.exp4j.Expression;
import net.objecthunter.exp4j.ExpressionBuilder;
import net.objecthunter.exp4j.function.Function;
import org.sandgate.service.Arguments;

/**
 * The cost of a command method in CPU-seconds: an arithmetic expression (exp4j) over its numeric
 * and boolean (1 or 0) arguments, with {@code min} and {@code max}; an optional argument left out
 * counts as 0.
 */
final class CostExpression {
    private static final Function MIN = new Function("min", 2) {
        @Override
        public double apply(double... v) {
            return Math.min(v[0], v[1]);
        }
    };
    private static final Function MAX = new Function("max", 2) {
        @Override
        public double apply(double... v) {
            return Math.max(v[0], v[1]);
        }
    };

    private final String text;
    private final Set<String> variables;

    private CostExpression(String text, Set<String> variables) {
        this.text = text;
        this.variables = variables;
    }

    /**
     * Parses and checks an expression.
     *
     * @param numeric the arguments it may use
     * @throws IllegalArgumentException when it does not parse or uses other names
     */
    static CostExpression of(String text, Set<String> numeric) {
        try {
            Expression e = build(text, numeric);
            var check = e.validate(false);
            if (!check.isValid()) {
                throw new IllegalArgumentException("cost '" + text + "': " + String.join("; ", check.getErrors()));
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("cost '")) {
                throw e;
            }
            throw new IllegalArgumentException("cost '" + text + "' is not an expression over the numeric arguments "
                    + numeric + ": " + e.getMessage());
        }
        return new CostExpression(text, Set.copyOf(numeric));
    }

    private static Expression build(String text, Set<String> names) {
        return new ExpressionBuilder(text).functions(MIN, MAX).variables(names).build();
    }

    /** The cost of a call. */
    double evaluate(Arguments args) {
        Map<String, Double> values = new HashMap<>();
        for (String name : variables) {
            Object v = args.find(name).orElse(0.0);
            values.put(name, v instanceof Boolean b ? (b ? 1.0 : 0.0) : ((Number) v).doubleValue());
        }
        return build(text, variables).setVariables(values).evaluate();
    }
}
