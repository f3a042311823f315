package org.sandgate.service;

import java.util.Objects;

/**
 * One call of a method: who calls, with which arguments, at which cost.
 *
 * @param caller    the authenticated caller
 * @param arguments the validated arguments
 * @param cost      the cost the method's cost function gave, in CPU-seconds
 */
public record Call(Caller caller, Arguments arguments, double cost) {
    public Call {
        Objects.requireNonNull(caller);
        Objects.requireNonNull(arguments);
    }
}
