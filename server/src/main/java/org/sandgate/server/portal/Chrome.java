package org.sandgate.server.portal;

import java.util.ArrayList;
import java.util.List;

/**
 * What every page shows around its content: the navigation (with the current page marked), who the
 * caller is, the build's version.
 *
 * @param links     the navigation
 * @param who       one line about the caller
 * @param version   the build's version
 * @param developer whether the caller may deploy services
 * @param admin     whether the caller administers the server
 */
public record Chrome(List<Link> links, String who, String version, boolean developer, boolean admin) {
    /** One navigation link. */
    public record Link(String label, String href, boolean current) {
    }

    /** The navigation for a caller, with {@code current} (a path) marked. */
    static Chrome of(String current, String who, String version, boolean developer, boolean admin) {
        List<Link> links = new ArrayList<>();
        links.add(new Link("Start", "/", current.equals("/")));
        links.add(new Link("Who am I", "/portal/whoami", current.equals("/portal/whoami")));
        links.add(new Link("Services", "/portal/services", current.startsWith("/portal/services")));
        links.add(new Link("My sessions", "/portal/sessions", current.startsWith("/portal/sessions")));
        if (developer) {
            links.add(new Link("Deployed services", "/portal/developer", current.startsWith("/portal/developer")));
        }
        if (admin) {
            links.add(new Link("Administration", "/portal/admin", current.startsWith("/portal/admin")));
        }
        return new Chrome(List.copyOf(links), who, version, developer, admin);
    }
}
