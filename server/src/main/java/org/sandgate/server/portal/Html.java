package org.sandgate.server.portal;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import java.util.Map;

/**
 * The portal's templates (jte, compiled at build time from {@code src/main/jte}), rendered with
 * HTML escaping of every value: a value can never become markup.
 */
public final class Html {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders a template with its parameters. */
    public byte[] render(String template, Map<String, Object> params) {
        Utf8ByteOutput out = new Utf8ByteOutput();
        engine.render(template, params, out);
        return out.toByteArray();
    }
}
