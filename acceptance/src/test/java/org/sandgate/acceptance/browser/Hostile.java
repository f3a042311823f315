package org.sandgate.acceptance.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * Text an attacker controls (service descriptions, file names, job output) made of markup that would
 * run a script if a page put it into its HTML unescaped: each payload sets {@code window.__pwned}. A
 * page renders it inert when no payload ran and every payload shows as the text it is.
 */
public final class Hostile {
    /** The payloads, each setting {@code window.__pwned} to a different word if it runs. */
    public static final List<String> PAYLOADS = List.of(
            "<script>window.__pwned='script'</script>",
            "<img src=x onerror=\"window.__pwned='img'\">",
            "\"><svg onload=\"window.__pwned='svg'\">",
            "'><b onmouseover=window.__pwned='hover' id=hover>b</b>");

    private Hostile() {
    }

    /**
     * Fails when a payload ran in the page the browser shows, or left an element that could run one
     * (an inline script or event-handler attribute that names {@code __pwned}).
     */
    public static void assertInert(Browser browser, String page) {
        // a hover or a click is what some payloads wait for
        for (Object hover : (List<?>) browser.script("return Array.from(document.querySelectorAll('a, b, span, td, code, p, li'));")) {
            browser.script("arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));", hover);
        }
        Object ran = browser.script("return window.__pwned === undefined ? null : String(window.__pwned);");
        assertEquals(null, ran, page + ": a hostile payload ran (" + browser.driver().getCurrentUrl() + ")");
        Object live = browser.script("return Array.from(document.querySelectorAll('*')).filter(e =>"
                + " (e.tagName === 'SCRIPT' && e.textContent.includes('__pwned'))"
                + " || Array.from(e.attributes).some(a => a.name.startsWith('on') || a.value.startsWith('javascript:'))"
                + ").map(e => e.outerHTML);");
        assertEquals(List.of(), live, page + ": the page holds live hostile markup");
    }

    /** Fails unless the page shows the payload as text (escaped, not dropped or parsed). */
    public static void assertShownAsText(Browser browser, String payload, String page) {
        String text = browser.text();
        assertTrue(text.contains(payload), page + " shows the hostile text " + payload + " as text:\n" + text);
    }
}
