package io.voxgate.media.srtp;

import io.voxgate.media.sdes.CryptoSuite;
import org.jitsi.srtp.SrtpPolicy;

/**
 * The jitsi-srtp policies for one SDES suite: AES counter mode with HMAC-SHA1 (RFC 3711 §4,
 * RFC 6188 for the 256-bit key). SRTCP always carries an 80-bit tag, also for the _32 suite
 * (RFC 4568 §6.2.2).
 */
final class SrtpProfile {

    private static final int AUTH_KEY_LENGTH = 20;
    private static final int SRTCP_TAG_LENGTH = 10;

    private SrtpProfile() {
    }

    static SrtpPolicy rtp(CryptoSuite suite) {
        return policy(suite, suite.authTagBits() / 8);
    }

    static SrtpPolicy rtcp(CryptoSuite suite) {
        return policy(suite, SRTCP_TAG_LENGTH);
    }

    static int rtpTagLength(CryptoSuite suite) {
        return suite.authTagBits() / 8;
    }

    static int rtcpTagLength() {
        return SRTCP_TAG_LENGTH;
    }

    private static SrtpPolicy policy(CryptoSuite suite, int tagLength) {
        return new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, suite.keyLength(), SrtpPolicy.HMACSHA1_AUTHENTICATION,
                AUTH_KEY_LENGTH, tagLength, suite.saltLength());
    }
}
