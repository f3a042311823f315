package org.sandgate.server.api;

import org.sandgate.server.identity.RequestCaller;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sandgate.server.api.SessionAccess.Action;
import org.sandgate.server.identity.DistinguishedNames;

/** The one rule for who may do what to a session, case by case. */
class SessionAccessTest {
    private static final String ALICE = "/O=Grid/OU=People/CN=Alice";
    private static final String DAVE = "/O=Grid/OU=People/CN=Dave";

    /** The rule for a caller and an owner given as slash-form DNs, owned when their canonical forms are equal. */
    private static boolean allows(Optional<String> caller, boolean admin, String owner, Action action, boolean pub) {
        boolean owns = caller.isPresent() && !owner.equals(RequestCaller.ANONYMOUS)
                && DistinguishedNames.canonicalOfSlashForm(caller.get()).equals(DistinguishedNames.canonicalOfSlashForm(owner));
        return SessionAccess.allows(owns, admin, owner, action, pub);
    }

    @Test
    void theOwnerMayDoEverythingWhateverTheSandboxSetting() {
        for (Action action : Action.values()) {
            assertEquals(true, allows(Optional.of(ALICE), false, ALICE, action, false), action.name());
            assertEquals(true, allows(Optional.of(ALICE), false, ALICE, action, true), action.name());
        }
    }

    @Test
    void theOwnerIsRecognisedWhateverTheCaseOfTheAttributeLabels() {
        assertEquals(true, allows(Optional.of("/O=Grid/OU=People/CN=Alice"), false, "/o=Grid/ou=People/cn=Alice",
                Action.STATUS, false));
    }

    @Test
    void anotherCallerMayOnlyReadFilesOfPublicSandboxes() {
        for (Action action : Action.values()) {
            assertEquals(false, allows(Optional.of(DAVE), false, ALICE, action, false), action.name());
            assertEquals(action == Action.FILES, allows(Optional.of(DAVE), false, ALICE, action, true), action.name());
            assertEquals(false, allows(Optional.empty(), false, ALICE, action, false), "anonymous " + action.name());
            assertEquals(action == Action.FILES, allows(Optional.empty(), false, ALICE, action, true),
                    "anonymous " + action.name());
        }
    }

    @Test
    void administratorsMayDoEverythingToEverySession() {
        for (Action action : Action.values()) {
            assertEquals(true, allows(Optional.of(DAVE), true, ALICE, action, false), action.name());
        }
    }

    @Test
    void anAnonymousSessionsIdIsItsCapability() {
        for (Action action : Action.values()) {
            assertEquals(true, allows(Optional.empty(), false, RequestCaller.ANONYMOUS, action, false), action.name());
            assertEquals(true, allows(Optional.of(DAVE), false, RequestCaller.ANONYMOUS, action, false), action.name());
        }
    }
}
