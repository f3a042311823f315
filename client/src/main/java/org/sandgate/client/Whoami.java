package org.sandgate.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * What the server makes of the caller's credential ({@code GET /api/v1/whoami}).
 *
 * @param dn        the end-entity subject in slash form; empty when anonymous
 * @param dnRfc2253 the same in RFC 2253 form
 * @param issuer    the CA of the end-entity certificate
 * @param tier      anonymous, weak or strong
 * @param account   the default local account; empty when none is allowed
 * @param proxy     whether a proxy certificate was used
 * @param expires   end of validity of the credential (ISO 8601)
 * @param proxyType {@code rfc3820}, {@code draft}, {@code legacy} or {@code mixed}, when a proxy was used
 *                  (servers before this field leave it out)
 * @param proxyLimited whether that proxy is limited
 * @param proxyPolicy  inherit_all, limited or independent, when a proxy was used (newer servers)
 * @param launchRefused whether the server lets this credential only read (a limited proxy)
 * @param accounts  every account allowed, the default first
 * @param costLimit the tier's ceiling on one call's cost in CPU-seconds, -1 for none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Whoami(
        @JsonProperty("dn") Optional<String> dn,
        @JsonProperty("dn_rfc2253") Optional<String> dnRfc2253,
        @JsonProperty("issuer") Optional<String> issuer,
        @JsonProperty("tier") String tier,
        @JsonProperty("account") Optional<String> account,
        @JsonProperty("proxy") boolean proxy,
        @JsonProperty("expires") Optional<String> expires,
        @JsonProperty("proxy_type") Optional<String> proxyType,
        @JsonProperty("proxy_limited") Optional<Boolean> proxyLimited,
        @JsonProperty("proxy_policy") Optional<String> proxyPolicy,
        @JsonProperty("launch_refused") Optional<Boolean> launchRefused,
        @JsonProperty("accounts") List<String> accounts,
        @JsonProperty("cost_limit") long costLimit) {
}
