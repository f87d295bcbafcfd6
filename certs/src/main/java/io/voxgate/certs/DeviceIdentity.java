package io.voxgate.certs;

import java.math.BigInteger;

/**
 * Who a verified client certificate says the phone is.
 *
 * @param mac    canonical MAC the certificate names
 * @param issuer {@code switch} for the switch's device CA, else the manufacturer CA's subject
 * @param serial the certificate's serial, the key for per-certificate rate limits
 */
public record DeviceIdentity(String mac, String issuer, BigInteger serial) {

    public static final String SWITCH_ISSUER = "switch";

    public boolean issuedBySwitch() {
        return SWITCH_ISSUER.equals(issuer);
    }

    /** The audit log's actor for this phone. */
    public String actor() {
        return "device:" + mac;
    }
}
