package io.voxgate.sip.security;

import java.security.cert.X509Certificate;

import io.voxgate.certs.CertificateRefusal;
import io.voxgate.certs.DeviceCertificateVerifier;

/**
 * Judges a certificate a phone presented on SIP-over-TLS, with the same verifier as provisioning:
 * issued by the switch's device CA or a trusted manufacturer CA, valid, meant for TLS clients,
 * naming a MAC, and (ours) not revoked. The TLS handshake accepts any client certificate on
 * purpose: which tenant's policy applies is only known from the REGISTER, so the verdict is made
 * here, per request.
 */
public final class DeviceCertificateCheck {

    public sealed interface Result {
        record Valid(String mac) implements Result {
        }

        /** A certificate of a trusted CA that must not be used (revoked, wrong usage, no MAC). */
        record Invalid(String reason) implements Result {
        }

        /** Not issued by a CA this switch trusts, or not valid now (a self-signed softphone certificate, an unknown factory one). */
        record NotOurs(String reason) implements Result {
        }
    }

    private final DeviceCertificateVerifier verifier;

    public DeviceCertificateCheck(DeviceCertificateVerifier verifier) {
        this.verifier = verifier;
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
        return verifier.isRevoked(device);
    }

    /** Everything but revocation; it cannot change for a given certificate, so a connection computes it once. */
    public Result identify(X509Certificate device) {
        try {
            return new Result.Valid(verifier.identify(new X509Certificate[] {device}).mac());
        } catch (CertificateRefusal refusal) {
            return switch (refusal.reason()) {
                case UNTRUSTED, EXPIRED, NOT_YET_VALID -> new Result.NotOurs(refusal.getMessage());
                case NOT_FOR_CLIENTS, NO_MAC, REVOKED, SUPERSEDED -> new Result.Invalid(refusal.getMessage());
            };
        }
    }
}
