package io.voxgate.media.sdes;

import java.util.Optional;

/**
 * The SRTP crypto suites the relay offers and accepts in SDES (RFC 4568 §6.2, RFC 6188 §7.1),
 * strongest first. Others (F8, the NULL ciphers, AEAD suites no Voxgate phone sends yet) are
 * not accepted: an offer carrying only those is answered as one without SRTP.
 */
public enum CryptoSuite {
    AES_256_CM_HMAC_SHA1_80(32, 14, 80),
    AES_CM_128_HMAC_SHA1_80(16, 14, 80),
    AES_CM_128_HMAC_SHA1_32(16, 14, 32);

    private final int keyLength;
    private final int saltLength;
    private final int authTagBits;

    CryptoSuite(int keyLength, int saltLength, int authTagBits) {
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authTagBits = authTagBits;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes (112 bits for all of these). */
    public int saltLength() {
        return saltLength;
    }

    /** SRTP authentication tag length in bits (the SRTCP tag is always 80). */
    public int authTagBits() {
        return authTagBits;
    }

    /** The suite an SDP {@code a=crypto} line names; names are case-sensitive (RFC 4568 §9.2). */
    public static Optional<CryptoSuite> named(String name) {
        for (CryptoSuite suite : values()) {
            if (suite.name().equals(name)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }
}
