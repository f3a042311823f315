package org.sandgate.acceptance.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The browser kit finds what it is meant to find, so that the portal's "no violation" and "no script
 * ran" mean something: axe-core reports a page's WCAG faults, the inertness check catches each hostile
 * payload that a page puts into its HTML unescaped, and a browser started without JavaScript runs none
 * of a page's scripts.
 */
class BrowserKitIT {
    private static String page(String html) {
        return "data:text/html;charset=utf-8," + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static NssDatabase nobody() throws Exception {
        return NssDatabase.create(Files.createTempDirectory("sandgate-browser-kit"), "nobody");
    }

    @Test
    void axeReportsTheWcagFaultsOfAPage() throws Exception {
        try (Browser browser = Browser.start(nobody(), true)) {
            browser.open(page("<!doctype html><html><head><title>faulty</title></head><body><main>"
                    + "<img src='x.png'><input type='text'><p style='color:#ccc;background:#fff'>faint</p></main></body></html>"));
            List<String> ids = Axe.violations(browser).stream().map(Axe.Violation::id).toList();
            assertTrue(ids.containsAll(List.of("image-alt", "label", "color-contrast", "html-has-lang")), ids.toString());
            assertEquals("4.14.1", Axe.version(browser));

            browser.open(page("<!doctype html><html lang='en'><head><title>fine</title></head><body><main>"
                    + "<h1>Fine</h1><img src='x.png' alt='a dot'><label>Name <input type='text'></label></main></body></html>"));
            Axe.assertAccessible(browser, "a page without faults");
        }
    }

    @Test
    void aBrowserWithoutJavaScriptRunsNoScriptOfThePage() throws Exception {
        String html = "<!doctype html><html lang='en'><head><title>js</title></head><body>"
                + "<p id='out'>static</p><script>document.getElementById('out').textContent = 'scripted'</script></body></html>";
        try (Browser on = Browser.start(nobody(), true)) {
            assertEquals("scripted", on.open(page(html)).text());
        }
        try (Browser off = Browser.start(nobody(), false)) {
            assertEquals("static", off.open(page(html)).text());
            Path shot = off.screenshot("kit-javascript-off");
            assertTrue(Files.size(shot) > 0);
        }
    }

    @Test
    void theInertnessCheckCatchesEveryPayloadAPageLeavesUnescaped() throws Exception {
        try (Browser browser = Browser.start(nobody(), true)) {
            for (String payload : Hostile.PAYLOADS) {
                browser.open(page("<!doctype html><html lang='en'><head><title>t</title></head><body><p>" + payload
                        + "</p></body></html>"));
                assertThrows(AssertionError.class, () -> Hostile.assertInert(browser, "unescaped"), payload);
                String escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\"", "&quot;").replace("'", "&#39;");
                browser.open(page("<!doctype html><html lang='en'><head><title>t</title></head><body><p>" + escaped
                        + "</p></body></html>"));
                Hostile.assertInert(browser, "escaped");
                Hostile.assertShownAsText(browser, payload, "escaped");
            }
        }
    }
}
