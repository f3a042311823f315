package org.sandgate.acceptance.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * A person who uses only the keyboard: Tab, Shift+Tab, Enter and Space, sent as key presses to
 * whatever has the focus (no clicks, no element lookups to act on). Every element that gets the focus
 * must show it.
 */
public final class Keyboard {
    private final Browser browser;
    private final List<String> path = new ArrayList<>();

    public Keyboard(Browser browser) {
        this.browser = browser;
    }

    /** The element that has the focus. */
    public WebElement focused() {
        return browser.driver().switchTo().activeElement();
    }

    private Keyboard press(CharSequence key) {
        new Actions(browser.driver()).sendKeys(key).perform();
        return this;
    }

    /** Tab: the focus moves to the next element, which must show that it has it. */
    public Keyboard tab() {
        press(Keys.TAB);
        assertFocusVisible();
        return this;
    }

    /** Enter on the focused element. */
    public Keyboard enter() {
        return press(Keys.ENTER);
    }

    /** Space on the focused element. */
    public Keyboard space() {
        return press(Keys.SPACE);
    }

    /** Types text into the focused element. */
    public Keyboard type(CharSequence text) {
        return press(text);
    }

    /** Presses Tab until the focused element fits, at most {@code limit} times. */
    public WebElement tabTo(Predicate<WebElement> wanted, String what, int limit) {
        for (int i = 0; i < limit; i++) {
            tab();
            WebElement e = focused();
            path.add(describe(e));
            if (wanted.test(e)) {
                return e;
            }
        }
        throw new AssertionError(what + " was not reached in " + limit + " presses of Tab; the focus went through "
                + path);
    }

    /** Tabs to the link or button whose text is {@code text}. */
    public WebElement tabToText(String text, int limit) {
        return tabTo(e -> e.getText().strip().equals(text) || text.equals(e.getAttribute("value")), "'" + text + "'", limit);
    }

    /** Tabs to the form field whose accessible label is {@code label}. */
    public WebElement tabToField(String label, int limit) {
        return tabTo(e -> label.equals(e.getAccessibleName()), "the field '" + label + "'", limit);
    }

    private static String describe(WebElement e) {
        String text = e.getText().strip();
        return e.getTagName() + (text.isEmpty() ? "" : "'" + (text.length() > 30 ? text.substring(0, 30) : text) + "'");
    }

    /** Fails unless the focused element is drawn with a focus indicator (an outline or a shadow). */
    public void assertFocusVisible() {
        WebElement e = focused();
        Object visible = browser.script("const s = getComputedStyle(arguments[0]);"
                + "return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';", e);
        assertTrue(Boolean.TRUE.equals(visible), "the focused " + describe(e) + " shows no focus indicator on "
                + browser.driver().getCurrentUrl());
    }
}
