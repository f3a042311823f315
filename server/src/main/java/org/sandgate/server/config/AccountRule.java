package org.sandgate.server.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of how a tier gets its local account. In YAML a rule is a string, {@code gridmap} or
 * {@code account:NAME}, or a map {@code {dn: "/O=Grid/OU=Physics/*", account: NAME}} whose DN pattern
 * may use {@code *} for any run of characters. A tier takes a single rule or a list tried in order.
 */
public sealed interface AccountRule {

    /** Local account names the server accepts anywhere: POSIX portable user names, never root. */
    Pattern ACCOUNT_NAME = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

    /** The account is the first one the grid-mapfile lists for the DN. */
    record Gridmap() implements AccountRule {
    }

    /** Every caller of the tier gets this one community account. */
    record Fixed(String account) implements AccountRule {
        public Fixed {
            Objects.requireNonNull(account, "account");
        }
    }

    /** Callers whose DN matches the pattern get the account. */
    record DnPattern(String dnGlob, String account) implements AccountRule {
        public DnPattern {
            Objects.requireNonNull(dnGlob, "dnGlob");
            Objects.requireNonNull(account, "account");
        }
    }
}
