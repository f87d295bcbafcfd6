package io.voxgate.sip.security;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;

/**
 * Checks a certificate a phone presented on SIP-over-TLS: issued by the switch's device CA
 * (PKIX up to the root CA), not revoked (the device CA's current CRL), meant for TLS clients, and
 * naming a MAC. The TLS handshake accepts any client certificate on purpose: which tenant's
 * policy applies is only known from the REGISTER, so the verdict is made here, per request.
 */
public final class DeviceCertificateCheck {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    public sealed interface Result {
        record Valid(String mac) implements Result {
        }

        /** One of this switch's device certificates that must not be used (revoked, wrong usage, no MAC). */
        record Invalid(String reason) implements Result {
        }

        /** Not issued by this switch's device CA (a self-signed softphone certificate, a factory certificate). */
        record NotOurs(String reason) implements Result {
        }
    }

    private final SwitchPki pki;

    public DeviceCertificateCheck(SwitchPki pki) {
        this.pki = pki;
    }

    /** The full verdict: {@link #identify} and then the device CA's current CRL. */
    public Result check(X509Certificate device) {
        Result identity = identify(device);
        if (identity instanceof Result.Valid && isRevoked(device)) {
            return new Result.Invalid("revoked (serial " + device.getSerialNumber().toString(16) + ")");
        }
        return identity;
    }

    /** Whether the device CA's current CRL lists the certificate; cheap, so asked on every request. */
    public boolean isRevoked(X509Certificate device) {
        return pki.currentCrl().isRevoked(device);
    }

    /**
     * Everything but revocation: chain, usage and MAC. It cannot change for a given certificate, so
     * a connection computes it once (PKIX path validation was 13 % of the CPU of a REGISTER flood
     * from a client presenting a certificate).
     */
    public Result identify(X509Certificate device) {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(device, pki.deviceCaCertificate()));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(pki.rootCaCertificate(), null)));
            parameters.setRevocationEnabled(false); // the device CA's CRL is checked below; the CAs themselves are ours
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            return new Result.NotOurs("not issued by this switch's device CA (" + e.getMessage() + ")");
        }
        try {
            List<String> usages = device.getExtendedKeyUsage();
            if (usages == null || !usages.contains(CLIENT_AUTH)) {
                return new Result.Invalid("not a TLS client certificate");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return new Result.Invalid("unreadable extended key usage");
        }
        try {
            for (Rdn rdn : new LdapName(device.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return new Result.Valid(MacAddress.parse(rdn.getValue().toString()).canonical());
                }
            }
        } catch (InvalidNameException | IllegalArgumentException e) {
            return new Result.Invalid("subject names no MAC");
        }
        return new Result.Invalid("subject names no MAC");
    }
}
