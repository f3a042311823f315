package org.sandgate.server.portal;

/**
 * The cost preview beside a form: what the call costs and whether the caller's tier allows it.
 *
 * @param status   {@code ok} (it may be called), {@code problem} (it would be refused) or {@code pending}
 *                 (the arguments are not complete yet)
 * @param headline one sentence
 * @param detail   a second sentence, or null
 */
public record CostView(String status, String headline, String detail) {
    /** The preview before anything is known. */
    static CostView pending(String why) {
        return new CostView("pending", why, null);
    }
}
