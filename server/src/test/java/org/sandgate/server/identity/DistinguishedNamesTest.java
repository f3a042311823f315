package org.sandgate.server.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class DistinguishedNamesTest {

    @Test
    void slashFormListsRdnsFromTheRootAsOpensslPrintsThem() {
        X500Principal p = new X500Principal("CN=Jane Doe,OU=People,O=Example Grid,C=US");
        assertEquals("/C=US/O=Example Grid/OU=People/CN=Jane Doe", DistinguishedNames.slashForm(p));
        assertEquals("CN=Jane Doe,OU=People,O=Example Grid,C=US", DistinguishedNames.rfc2253Form(p));
    }

    @Test
    void emailAttributeIsWrittenAsEmailAddress() {
        X500Principal p = new X500Principal("EMAILADDRESS=jane@example.org, CN=Jane, O=Grid");
        String slash = DistinguishedNames.slashForm(p);
        assertEquals("/O=Grid/CN=Jane/emailAddress=jane@example.org", slash);
        assertEquals(DistinguishedNames.comparisonKey("/O=Grid/CN=Jane/Email=jane@example.org"),
                DistinguishedNames.comparisonKey(slash));
        assertEquals(DistinguishedNames.comparisonKey("/O=Grid/CN=Jane/E=jane@example.org"),
                DistinguishedNames.comparisonKey(slash));
    }

    @Test
    void userIdSpellingsAreOneAttribute() {
        assertEquals(DistinguishedNames.comparisonKey("/DC=org/UID=jdoe"),
                DistinguishedNames.comparisonKey("/DC=org/USERID=jdoe"));
    }

    @Test
    void valuesStayCaseSensitive() {
        assertNotEquals(DistinguishedNames.comparisonKey("/O=Grid/CN=Jane"),
                DistinguishedNames.comparisonKey("/O=Grid/CN=JANE"));
    }

    @Test
    void slashInsideAValueDoesNotStartAnAttribute() {
        assertEquals("/o=Grid/cn=host/a.example.org",
                DistinguishedNames.comparisonKey("/O=Grid/CN=host/a.example.org"));
    }

    @Test
    void configurationDnsMayBeInEitherForm() {
        assertEquals(DistinguishedNames.comparisonKey("/C=US/O=Example VO/CN=Example VO CA"),
                DistinguishedNames.comparisonKeyOfAnyForm("CN=Example VO CA,O=Example VO,C=US"));
        assertThrows(IllegalArgumentException.class, () -> DistinguishedNames.comparisonKeyOfAnyForm("/not a dn"));
    }

    @Test
    void slashFormIsRecognised() {
        assertTrue(DistinguishedNames.isSlashForm("/O=Grid/CN=Jane"));
        assertFalse(DistinguishedNames.isSlashForm("O=Grid"));
        assertFalse(DistinguishedNames.isSlashForm("/ O=Grid"));
    }

    @Test
    void slashFormOfANameBeyondTheLengthBoundsIsReadWithoutThrowing() {
        X500Principal p = new X500Principal("CN=" + "x".repeat(300) + ",O=Grid");
        assertEquals("/O=Grid/CN=" + "x".repeat(300), DistinguishedNames.slashForm(p));
    }

    @Test
    void nonAsciiBytesAreWrittenAsHexAsOpensslDoes() {
        assertEquals("/O=Grid/CN=M\\xC3\\xBCller", DistinguishedNames.slashForm(new X500Principal("CN=M\u00fcller,O=Grid")));
    }

    @Test
    void slashFormsThatCanSpellOtherNamesAreAmbiguous() {
        assertTrue(DistinguishedNames.ambiguity(new X500Principal("OU=People/CN=Alice,O=Grid")).isPresent());
        assertTrue(DistinguishedNames.ambiguity(new X500Principal("CN=x+CN=Alice,O=Grid")).isPresent());
        assertTrue(DistinguishedNames.ambiguity(new X500Principal("CN=M\\\\xC3\\\\xBCller,O=Grid")).isPresent());
        assertFalse(DistinguishedNames.ambiguity(new X500Principal("CN=M\u00fcller,OU=People,O=Grid")).isPresent());
        assertFalse(DistinguishedNames.ambiguity(new X500Principal("CN=Jane Doe,O=Example Grid,C=US")).isPresent());
    }

    @Test
    void aSlashFormReadsAsTheNameItSpellsInCanonicalForm() {
        assertEquals(new X500Principal("CN=M\u00fcller,OU=People,O=Grid").getName(X500Principal.CANONICAL),
                DistinguishedNames.canonicalOfSlashForm("/O=Grid/OU=People/CN=M\\xC3\\xBCller").orElseThrow());
        assertEquals(DistinguishedNames.canonicalForm(new X500Principal("CN=Alice,OU=People,O=Grid")),
                DistinguishedNames.canonicalOfAnyForm("/O=Grid/OU=People/CN=Alice"));
        assertNotEquals(DistinguishedNames.canonicalForm(new X500Principal("OU=People/CN=Alice,O=Grid")),
                DistinguishedNames.canonicalOfAnyForm("/O=Grid/OU=People/CN=Alice"));
    }
}
