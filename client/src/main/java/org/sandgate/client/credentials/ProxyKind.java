package org.sandgate.client.credentials;

import eu.emi.security.authn.x509.proxy.ProxyChainInfo;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What kind of proxy a chain is, in the terms the grid tools use.
 *
 * @param type        {@code rfc3820}, {@code draft}, {@code legacy} or {@code mixed} (as the server's
 *                    {@code proxy_type})
 * @param limited     a limited proxy (may not start jobs at sites that honour the limit)
 * @param independent an independent proxy (RFC 3820 policy id-ppl-independent: none of its issuer's rights)
 */
public record ProxyKind(String type, boolean limited, boolean independent) {

    /** The kind of the proxy {@code chain} starts with; empty when its first certificate is not a proxy. */
    public static Optional<ProxyKind> of(X509Certificate[] chain) {
        if (chain.length == 0 || !ProxyUtils.isProxy(chain[0])) {
            return Optional.empty();
        }
        try {
            ProxyChainInfo info = new ProxyChainInfo(chain);
            String type = switch (info.getProxyType()) {
                case RFC3820 -> "rfc3820";
                case DRAFT_RFC -> "draft";
                case LEGACY -> "legacy";
                case MIXED -> "mixed";
            };
            ProxyPolicy[] policies = info.getPolicy();
            boolean independent = policies != null && policies.length > 0 && policies[0] != null
                    && ProxyPolicy.INDEPENDENT_POLICY_OID.equals(policies[0].getPolicyOID());
            return Optional.of(new ProxyKind(type, info.isLimited(), independent));
        } catch (CertificateException | IOException e) {
            return Optional.empty();
        }
    }

    /** Words for a person: "RFC 3820 limited proxy", "legacy Globus full proxy". */
    public String words() {
        String what = limited ? "limited" : independent ? "independent" : "impersonation";
        return switch (type) {
            case "rfc3820" -> "RFC 3820 " + what + " proxy";
            case "draft" -> "draft (pre-RFC 3820) " + what + " proxy";
            case "legacy" -> "legacy Globus " + (limited ? "limited" : "full") + " proxy";
            case "mixed" -> "chain of proxies of mixed kinds" + (limited ? ", limited" : "");
            default -> type + (limited ? " limited" : "") + " proxy";
        };
    }
}
