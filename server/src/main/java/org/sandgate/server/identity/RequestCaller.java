package org.sandgate.server.identity;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.service.Caller;

/**
 * The authenticated caller of one request: the identity and the accounts the policy allows it.
 * Set as the request's principal by the API's authentication handler.
 *
 * @param identity who the request comes from
 * @param accounts the local accounts allowed, the default first; empty when the rules allow none
 * @param address  the client's IP address
 */
public record RequestCaller(Identity identity, List<String> accounts, String address) implements Principal {
    /** The name of a caller without a certificate, and the owner recorded for its sessions. */
    public static final String ANONYMOUS = "anonymous";

    public RequestCaller {
        accounts = List.copyOf(accounts);
    }

    /** Who this is, as the audit log records it. */
    public Map<String, Object> auditFields() {
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("dn", identity.dn().orElse(null));
        who.put("dn_canonical", identity.canonical().orElse(null));
        who.put("tier", identity.tier().wireName());
        who.put("account", account().orElse(null));
        who.put("addr", address);
        who.put("credential", identity.viaToken() ? "token" : identity.certificate().isPresent() ? "certificate" : "none");
        if (identity.viaToken()) {
            who.put("jti", identity.tokenClaims().orElseThrow().get("jti"));
        }
        return who;
    }

    /** The default account, if any. */
    public Optional<String> account() {
        return accounts.isEmpty() ? Optional.empty() : Optional.of(accounts.get(0));
    }

    /**
     * The default account, for anything that runs work or touches sessions.
     *
     * @throws Refusal when the account rules allow this caller none
     */
    public String requireAccount() {
        if (accounts.isEmpty() && identity.ambiguity().isPresent()) {
            throw new Refusal(ErrorCode.AMBIGUOUS_SUBJECT, "the certificate's subject " + identity.dn().orElseThrow()
                    + " has no unambiguous slash form (" + identity.ambiguity().get() + "): it could be taken for "
                    + "another subject, so it matches no grid-mapfile line or DN pattern and gets no account from "
                    + "them (identity.ambiguous_subjects)");
        }
        return account().orElseThrow(() -> new Refusal(ErrorCode.NOT_AUTHORIZED, identity.dn().isPresent()
                ? "no local account is allowed for " + identity.dn().get()
                : "anonymous callers have no local account on this server"));
    }

    /** The caller as the service API sees it. */
    public Caller toCaller() {
        return new Caller(identity.dn(), identity.tier(), account());
    }

    @Override
    public String getName() {
        return identity.dn().orElse(ANONYMOUS);
    }
}
