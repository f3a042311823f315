package org.sandgate.server.portal;

import java.util.List;

/**
 * One argument of a method as a form field, generated from its schema in {@code /api/v1/services}:
 * the control, the browser's own checks (required, bounds, step, pattern, length) and the server's
 * error for the value sent, if any.
 *
 * @param name      the argument's name (the field's name and label)
 * @param id        the element id
 * @param control   {@code input}, {@code select} or {@code textarea}
 * @param inputType for {@code input}: {@code number} or {@code text}
 * @param required  whether it must be given
 * @param min       lower bound, or null
 * @param max       upper bound, or null
 * @param step      {@code 1} for whole numbers, {@code any} for numbers, null otherwise
 * @param pattern   the regular expression a string must match, or null
 * @param maxLength the longest string, or null
 * @param options   for {@code select}: the values
 * @param value     the value to show (what was sent)
 * @param help      what the value must be, in words, with the argument's description
 * @param error     the server's refusal of the value sent, or null
 */
public record FieldView(String name, String id, String control, String inputType, boolean required, String min,
                        String max, String step, String pattern, Integer maxLength, List<Option> options, String value,
                        String help, String error) {
    /** One value of a {@code select}. */
    public record Option(String value, String label, boolean selected) {
    }

    /** The ids of the texts that describe the field (its help, and its error when there is one). */
    public String describedBy() {
        return error == null ? id + "-help" : id + "-help " + id + "-error";
    }
}
