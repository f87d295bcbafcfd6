package io.voxgate.provisioning.enrolment;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * MACs for softphones, which have none of their own but need one: the device certificate, the
 * file name and the SIP registrar all identify a phone by MAC. A random locally administered
 * unicast address (IEEE 802: second-lowest bit of the first octet set, lowest clear) can never be
 * a real phone's.
 */
final class PseudoMacs {

    private final SecureRandom random = new SecureRandom();

    String next() {
        byte[] mac = new byte[6];
        random.nextBytes(mac);
        mac[0] = (byte) ((mac[0] & 0xFC) | 0x02);
        return HexFormat.of().formatHex(mac);
    }
}
