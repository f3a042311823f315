package org.sandgate.server.portal;

import java.util.List;

/**
 * The developers' and administrators' pages.
 *
 * @param notice  what was just done, or null
 * @param problem what was refused, or null
 * @param files   the deploy directory's files (developers)
 * @param upload  the upload form's token
 * @param remove  the removal forms' token
 * @param admin   the administrators' part, or null on the developers' page
 */
public record SiteView(String notice, String problem, List<FileRow> files, String upload, String remove,
                       Admin admin) {
    /** One file of the deploy directory. */
    public record FileRow(String file, List<String> services, String problem) {
    }

    /**
     * What administrators see and do.
     *
     * @param draining  whether drain mode is on
     * @param token     the forms' token (each form's own)
     * @param bans      the banned DNs
     * @param sessions  every owner's sessions, newest first
     */
    public record Admin(boolean draining, Tokens token, List<BanRow> bans, List<SessionRow> sessions) {
    }

    /** The anti-forgery token of each administrators' form. */
    public record Tokens(String drain, String reload, String ban, String unban) {
    }

    /** One ban. */
    public record BanRow(String dn, String reason, String by, String since) {
    }

    /** One session of any owner. */
    public record SessionRow(String id, String href, String owner, String call, String state, Integer exitCode,
                             String created, String createdText) {
    }
}
