package org.sandgate.server.portal;

import java.util.List;

/**
 * A method's page: its form, generated from its argument schema, the live cost preview, and what
 * the server said about the last submission.
 *
 * @param service     the service's name
 * @param method      the method's name
 * @param kind        {@code job} or {@code immediate}
 * @param description the method's description
 * @param action      where the form posts to (and where the page is)
 * @param costUrl     where the cost preview is fetched from
 * @param token       the form's anti-forgery token
 * @param fields      the fields
 * @param problem     the server's refusal of the last submission, not tied to one field, or null
 * @param cost        the cost preview
 * @param result      an immediate method's result (JSON, indented), or null
 */
public record MethodView(String service, String method, String kind, String description, String action,
                         String costUrl, String token, List<FieldView> fields, String problem, CostView cost,
                         String result) {
    /** Whether a file is sent with the form (then it is {@code multipart/form-data}). */
    public boolean multipart() {
        return fields.stream().anyMatch(f -> f.control().equals("file"));
    }

    /** The fields the server refused, for the summary at the top. */
    public List<FieldView> invalid() {
        return fields.stream().filter(f -> f.error() != null).toList();
    }
}
