package org.sandgate.server.identity;

import eu.emi.security.authn.x509.helpers.proxy.ExtendedProxyType;
import eu.emi.security.authn.x509.helpers.proxy.ProxyCertInfoExtension;
import eu.emi.security.authn.x509.helpers.proxy.ProxyHelper;
import eu.emi.security.authn.x509.proxy.ProxyPolicy;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Reads the policy of a proxy chain as Globus does: RFC 3820 and draft proxies by their policy
 * language ({@code id-ppl-inheritAll}, {@code id-ppl-independent}, the Globus limited policy),
 * legacy proxies by their last CN ({@code proxy}, {@code limited proxy}). Any other policy language
 * is one this server does not implement, and the chain is refused, as Globus refuses it.
 */
final class ProxyPolicies {
    private ProxyPolicies() {
    }

    /**
     * The policy of a chain (leaf first): independent when any proxy is, else limited when any proxy is
     * (a full proxy made from a limited one is limited), else inherit-all.
     *
     * @throws CertificateException for a policy language this server does not implement
     */
    static ProxyPolicyKind of(X509Certificate[] chain) throws CertificateException, IOException {
        boolean limited = false;
        boolean independent = false;
        boolean any = false;
        for (X509Certificate c : chain) {
            ExtendedProxyType type = ProxyHelper.getProxyType(c);
            if (type == ExtendedProxyType.NOT_A_PROXY) {
                continue;
            }
            any = true;
            if (type == ExtendedProxyType.LEGACY) {
                String cn = ProxyHelper.getLastCN(c.getSubjectX500Principal()).toLowerCase(Locale.ROOT);
                limited |= cn.equals("limited proxy");
                continue;
            }
            ProxyCertInfoExtension info = ProxyCertInfoExtension.getInstance(c);
            String oid = info == null || info.getPolicy() == null ? null : info.getPolicy().getPolicyOID();
            if (ProxyPolicy.INHERITALL_POLICY_OID.equals(oid)) {
                continue;
            }
            if (ProxyPolicy.LIMITED_PROXY_OID.equals(oid)) {
                limited = true;
            } else if (ProxyPolicy.INDEPENDENT_POLICY_OID.equals(oid)) {
                independent = true;
            } else {
                throw new CertificateException("the proxy's policy language " + (oid == null ? "(none)" : oid)
                        + " is not one this server implements (inheritAll, limited, independent)");
            }
        }
        if (!any) {
            return ProxyPolicyKind.NONE;
        }
        return independent ? ProxyPolicyKind.INDEPENDENT : limited ? ProxyPolicyKind.LIMITED : ProxyPolicyKind.INHERIT_ALL;
    }
}
