package io.voxgate.certs;

import java.security.cert.CertificateException;

/**
 * Why a phone's certificate was refused in the handshake. {@code mac} is what the certificate
 * claims (null if it names none): unverified, for the audit log only.
 */
public final class CertificateRefusal extends CertificateException {

    public enum Reason {
        EXPIRED, NOT_YET_VALID, REVOKED, SUPERSEDED, UNTRUSTED, NOT_FOR_CLIENTS, NO_MAC
    }

    private final Reason reason;
    private final String mac;
    private final String serial;

    public CertificateRefusal(Reason reason, String detail, String mac, String serial) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ": " + detail);
        this.reason = reason;
        this.mac = mac;
        this.serial = serial;
    }

    public Reason reason() {
        return reason;
    }

    public String claimedMac() {
        return mac;
    }

    public String serial() {
        return serial;
    }
}
