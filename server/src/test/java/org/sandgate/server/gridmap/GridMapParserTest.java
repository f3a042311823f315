package org.sandgate.server.gridmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GridMapParserTest {
    private static GridMapParser.Result result;

    @BeforeAll
    static void parseFixture() throws IOException {
        try (InputStream in = GridMapParserTest.class.getResourceAsStream("/gridmap/sample-grid-mapfile")) {
            result = GridMapParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Optional<List<String>> accounts(String dn) {
        return result.map().lookup(dn).map(GridMapEntry::accounts);
    }

    @Test
    void quotedDnMapsToItsAccount() {
        assertEquals(Optional.of(List.of("jdoe")), accounts("/C=US/O=Example Grid/OU=People/CN=Jane Doe"));
    }

    @Test
    void severalAccountsKeepTheirOrderAndTheFirstIsTheDefault() {
        assertEquals(Optional.of(List.of("jsmith", "physics", "cms")),
                accounts("/C=US/O=Example Grid/OU=People/CN=John Smith"));
        assertEquals("jsmith", result.map().lookup("/C=US/O=Example Grid/OU=People/CN=John Smith")
                .orElseThrow().defaultAccount());
    }

    @Test
    void unquotedDnWithoutBlanksIsRead() {
        assertEquals(Optional.of(List.of("unquoted")), accounts("/C=US/O=Example/CN=Unquoted"));
    }

    @Test
    void escapedQuotesAndBackslashesAreUnescaped() {
        assertEquals(Optional.of(List.of("bobby")), accounts("/O=Example Grid/CN=Robert \"Bob\" Tables"));
        assertEquals(Optional.of(List.of("backslash")), accounts("/O=Example Grid/CN=Back\\slash"));
    }

    @Test
    void emailSpellingsAreOneAttribute() {
        String viaOpenssl = "/O=Example Grid/OU=People/CN=Mail User/emailAddress=mail@example.org";
        assertEquals(Optional.of(List.of("mailuser")), accounts(viaOpenssl));
        assertEquals(Optional.of(List.of("mailuser")), accounts("/O=Example Grid/OU=People/CN=Mail User/E=mail@example.org"));
        assertEquals(Optional.of(List.of("shortmail")),
                accounts("/O=Example Grid/OU=People/CN=Short Mail/Email=short@example.org"));
        assertEquals(Optional.of(List.of("shortmail")),
                accounts("/O=Example Grid/OU=People/CN=Short Mail/emailAddress=short@example.org"));
    }

    @Test
    void valuesAreCaseSensitiveAsInGlobus() {
        assertEquals(Optional.empty(), accounts("/C=US/O=Example Grid/OU=People/CN=jane doe"));
    }

    @Test
    void labelsAreCaseInsensitive() {
        assertEquals(Optional.of(List.of("jdoe")), accounts("/c=US/o=Example Grid/ou=People/cn=Jane Doe"));
    }

    @Test
    void blanksAroundAccountsAreIgnored() {
        assertEquals(Optional.of(List.of("first", "second")), accounts("/O=Example Grid/OU=People/CN=Spaced Accounts"));
    }

    @Test
    void aLongerDnIsNotAPrefixMatch() {
        assertEquals(Optional.of(List.of("proxyish")), accounts("/O=Example Grid/OU=People/CN=Jane Doe/CN=12345"));
        assertEquals(Optional.empty(), accounts("/O=Example Grid/OU=People/CN=Jane Doe"));
    }

    @Test
    void eachMalformedLineIsReportedWithItsNumberAndTheRestLoads() {
        Map<Integer, String> problems = result.problems().stream()
                .collect(Collectors.toMap(GridMapParser.Problem::line, GridMapParser.Problem::message));
        assertEquals(8, problems.size(), problems.toString());
        assertTrue(problems.get(18).contains("no local account"), problems.get(18));
        assertTrue(problems.get(19).contains("no closing quote"), problems.get(19));
        assertTrue(problems.get(20).contains("not a DN"), problems.get(20));
        assertTrue(problems.get(21).contains("not a valid account name"), problems.get(21));
        assertTrue(problems.get(22).contains("root"), problems.get(22));
        assertTrue(problems.get(23).contains("already mapped on line 3"), problems.get(23));
        assertTrue(problems.get(24).contains("not a valid account name"), problems.get(24));
        assertTrue(problems.get(25).contains("blank"), problems.get(25));
        assertEquals(9, result.map().size());
    }

    @Test
    void theFirstOfTwoLinesForOneDnWins() {
        assertEquals(Optional.of(List.of("jdoe")), accounts("/C=US/O=Example Grid/OU=People/CN=Jane Doe"));
    }

    @Test
    void junkMapsNobodyAndIsAllReported() {
        GridMapParser.Result junk = GridMapParser.parse("\u0000\u0001garbage\n\"\n\"\"\n==\n/ x\n\u00ff\u00fe\n");
        assertEquals(0, junk.map().size());
        assertEquals(6, junk.problems().size(), junk.problems().toString());
    }

    @Test
    void theSummaryCountsInSingularAndPlural() {
        assertEquals("1 DN mapped, 1 line skipped", GridMapParser.parse("\"/O=A/CN=B\" b\n==\n").summary());
        assertEquals("2 DNs mapped, 0 lines skipped",
                GridMapParser.parse("\"/O=A/CN=B\" b\n\"/O=A/CN=C\" c\n").summary());
        assertEquals("0 DNs mapped, 2 lines skipped", GridMapParser.parse("==\n\"\n").summary());
    }

    @Test
    void crlfLineEndingsAreAccepted() {
        GridMapParser.Result crlf = GridMapParser.parse("\"/O=A/CN=B\" b\r\n\"/O=A/CN=C\" c\r\n");
        assertEquals(2, crlf.map().size());
        assertTrue(crlf.problems().isEmpty());
    }
}
