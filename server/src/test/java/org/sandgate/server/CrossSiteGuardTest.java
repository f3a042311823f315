package org.sandgate.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.junit.jupiter.api.Test;

/** What counts as this server's own origin, and what as another site. */
class CrossSiteGuardTest {
    private static final HttpURI TARGET = HttpURI.from("https://grid.example.org:8443/api/v1/tokens");

    @Test
    void theSameSchemeHostAndPortIsTheSameOrigin() {
        assertTrue(CrossSiteGuard.sameOrigin("https://grid.example.org:8443", TARGET));
        assertTrue(CrossSiteGuard.sameOrigin("HTTPS://Grid.Example.ORG:8443", TARGET), "scheme and host ignore case");
        assertTrue(CrossSiteGuard.sameOrigin("https://grid.example.org", HttpURI.from("https://grid.example.org/x")),
                "the default port, written or not");
        assertTrue(CrossSiteGuard.sameOrigin("https://grid.example.org:443", HttpURI.from("https://grid.example.org/x")));
        assertTrue(CrossSiteGuard.sameOrigin("https://[::1]:8443", HttpURI.from("https://[::1]:8443/x")));
    }

    @Test
    void anotherHostPortSchemeOrAnOpaqueOriginIsAnotherSite() {
        assertFalse(CrossSiteGuard.sameOrigin("https://evil.example", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://grid.example.org.evil.example:8443", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://evil.example.org:8443", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://grid.example.org:8080", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("http://grid.example.org:8443", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://grid.example.org", TARGET), "443 is not 8443");
        assertFalse(CrossSiteGuard.sameOrigin("null", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://user@grid.example.org:8443", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("https://grid.example.org:8443/path", TARGET));
        assertFalse(CrossSiteGuard.sameOrigin("grid.example.org:8443", TARGET));
    }

    @Test
    void aRequestIsCrossSiteByItsOriginOrItsFetchMetadata() {
        assertNull(CrossSiteGuard.crossSite(HttpFields.build(), TARGET), "no Origin: curl, the CLI, scripts");
        assertNull(CrossSiteGuard.crossSite(HttpFields.build().add("Origin", "https://grid.example.org:8443")
                .add("Sec-Fetch-Site", "same-origin"), TARGET));
        assertEquals("Sec-Fetch-Site: cross-site", CrossSiteGuard.crossSite(HttpFields.build()
                .add("Sec-Fetch-Site", "cross-site"), TARGET));
        assertTrue(CrossSiteGuard.crossSite(HttpFields.build().add("Origin", "https://evil.example"), TARGET)
                .contains("evil.example"));
        assertEquals("more than one Origin", CrossSiteGuard.crossSite(HttpFields.build()
                .add("Origin", "https://grid.example.org:8443").add("Origin", "https://evil.example"), TARGET));
    }
}
