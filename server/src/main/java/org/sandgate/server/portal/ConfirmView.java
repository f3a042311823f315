package org.sandgate.server.portal;

/**
 * A page that asks before something is done that cannot be undone.
 *
 * @param question what will happen
 * @param action   where the form posts to
 * @param token    the form's anti-forgery token
 * @param button   the label of the button that does it
 * @param back     where "keep it" goes
 */
public record ConfirmView(String question, String action, String token, String button, String back) {
}
