package org.sandgate.server.services;

import java.util.List;
import org.sandgate.service.Names;

/** Dotted service names and the URL path segments they map to. */
public final class ServiceNames {
    private ServiceNames() {
    }

    /** Whether a name is lower-case words joined by dots, at most 16 of them. */
    public static boolean isValid(String name) {
        String[] words = name.split("\\.", -1);
        if (words.length > 16) {
            return false;
        }
        for (String w : words) {
            if (!Names.isWord(w)) {
                return false;
            }
        }
        return true;
    }

    /** The service name of URL path segments: {@code apple/xray/juliet} is {@code apple.xray.juliet}. */
    public static String fromSegments(List<String> segments) {
        return String.join(".", segments);
    }
}
