package io.voxgate.certs;

import java.math.BigInteger;
import java.security.cert.CRLReason;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One revoked certificate as it appears on the device CA's CRL.
 *
 * @param serial the revoked certificate's serial number
 * @param reason an RFC 5280 §5.3.1 reason; the JDK enum's ordinal is the wire code
 */
public record Revocation(BigInteger serial, Instant revokedAt, CRLReason reason) {
    // UNUSED is code 7, which RFC 5280 leaves unassigned; REMOVE_FROM_CRL only belongs on delta CRLs,
    // which this PKI does not publish.
    private static final Set<CRLReason> NOT_FOR_A_FULL_CRL = Set.of(CRLReason.UNUSED, CRLReason.REMOVE_FROM_CRL);

    public Revocation {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(reason, "reason");
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("certificate serial numbers are positive, got " + serial);
        }
        if (NOT_FOR_A_FULL_CRL.contains(reason)) {
            throw new IllegalArgumentException("revocation reason " + reason + " cannot be used on a full CRL");
        }
    }

    /** The CRLReason code written into the CRL entry. */
    public int reasonCode() {
        return reason.ordinal();
    }
}
