package io.voxgate.media.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Known answers. RFC 3711 Appendix B.3 and RFC 6188 §7.2 give the session keys a master key and
 * salt must derive to; the expected packets here are computed from those session keys with the
 * JDK's AES-CTR and HMAC-SHA1 alone (RFC 3711 §4.1.1, §4.2), so the relay's sender and receiver are
 * checked against the RFCs, not against themselves. libsrtp's srtp_driver.c reference packet
 * checks the same end to end, byte for byte.
 */
class SrtpTestVectorsTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 3711 B.3
    private static final String MASTER_KEY_128 = "E1F97A0D3E018BE0D64FA32C06DE4139";
    private static final String MASTER_SALT = "0EC675AD498AFEEBB6960B3AABE6";
    private static final String CIPHER_KEY_128 = "C61E7A93744F39EE10734AFE3FF7A087";
    private static final String CIPHER_SALT_128 = "30CBBC08863D8C85D49DB34A9AE1";
    private static final String AUTH_KEY_128 = "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4";

    // RFC 6188 §7.2
    private static final String MASTER_KEY_256 = "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6";
    private static final String MASTER_SALT_256 = "3b04803de51ee7c96423ab5b78d2";
    private static final String CIPHER_KEY_256 = "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4";
    private static final String CIPHER_SALT_256 = "fa31791685ca444a9e07c6c64e93";
    private static final String AUTH_KEY_256 = "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05";

    // libsrtp test/srtp_driver.c, srtp_validate(): AES_CM_128_HMAC_SHA1_80 with the B.3 master key
    private static final String RTP_PLAINTEXT = "800f1234decafbadcafebabeabababababababababababababababab";
    private static final String SRTP_CIPHERTEXT = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb";

    @BeforeAll
    static void engine() {
        SrtpEngine.start();
    }

    @Test
    void libsrtpsReferencePacketIsProducedByteForByteAndDecryptsBack() {
        SdesCrypto key = key(CryptoSuite.AES_CM_128_HMAC_SHA1_80, MASTER_KEY_128, MASTER_SALT);
        PacketBuffer packet = packet(HEX.parseHex(RTP_PLAINTEXT));

        try (SrtpSender sender = new SrtpSender(key); SrtpReceiver receiver = new SrtpReceiver(key)) {
            assertThat(sender.protectRtp(packet)).isEqualTo(SrtpOutcome.OK);
            assertThat(bytes(packet)).isEqualTo(HEX.parseHex(SRTP_CIPHERTEXT));

            assertThat(receiver.unprotectRtp(packet)).isEqualTo(SrtpOutcome.OK);
            assertThat(bytes(packet)).isEqualTo(HEX.parseHex(RTP_PLAINTEXT));
        }
    }

    @Test
    void aes128PacketMatchesTheSessionKeysOfRfc3711AppendixB3() throws Exception {
        assertMatchesSessionKeys(CryptoSuite.AES_CM_128_HMAC_SHA1_80, MASTER_KEY_128, MASTER_SALT,
                CIPHER_KEY_128, CIPHER_SALT_128, AUTH_KEY_128);
    }

    @Test
    void aes256PacketMatchesTheSessionKeysOfRfc6188() throws Exception {
        assertMatchesSessionKeys(CryptoSuite.AES_256_CM_HMAC_SHA1_80, MASTER_KEY_256, MASTER_SALT_256,
                CIPHER_KEY_256, CIPHER_SALT_256, AUTH_KEY_256);
    }

    @Test
    void the32BitSuiteCarriesA4ByteTagOnRtpAnd10OnRtcp() throws Exception {
        assertMatchesSessionKeys(CryptoSuite.AES_CM_128_HMAC_SHA1_32, MASTER_KEY_128, MASTER_SALT,
                CIPHER_KEY_128, CIPHER_SALT_128, AUTH_KEY_128);

        SdesCrypto key = key(CryptoSuite.AES_CM_128_HMAC_SHA1_32, MASTER_KEY_128, MASTER_SALT);
        byte[] rtcp = HEX.parseHex("81c8000bcafebabeabababababababababababababababab");
        PacketBuffer packet = packet(rtcp);
        try (SrtpSender sender = new SrtpSender(key); SrtpReceiver receiver = new SrtpReceiver(key)) {
            assertThat(sender.protectRtcp(packet)).isEqualTo(SrtpOutcome.OK);
            assertThat(packet.getLength()).isEqualTo(rtcp.length + 4 + 10); // E flag and index, then the 80-bit tag
            assertThat(receiver.unprotectRtcp(packet)).isEqualTo(SrtpOutcome.OK);
            assertThat(bytes(packet)).isEqualTo(rtcp);
        }
    }

    /**
     * Protects one packet with the master key, then checks it against AES-CTR under the RFC's
     * session key and salt (IV = salt·2^16 XOR SSRC·2^64 XOR index·2^16) and HMAC-SHA1 under its
     * auth key over header, payload and ROC.
     */
    private static void assertMatchesSessionKeys(CryptoSuite suite, String masterKey, String masterSalt,
                                                 String cipherKey, String cipherSalt, String authKey) throws Exception {
        byte[] plain = HEX.parseHex(RTP_PLAINTEXT);
        PacketBuffer packet = packet(plain);
        try (SrtpSender sender = new SrtpSender(key(suite, masterKey, masterSalt))) {
            assertThat(sender.protectRtp(packet)).isEqualTo(SrtpOutcome.OK);
        }
        byte[] srtp = bytes(packet);
        int tagLength = suite.authTagBits() / 8;

        byte[] iv = new byte[16];
        System.arraycopy(HEX.parseHex(cipherSalt), 0, iv, 0, 14);
        for (int i = 0; i < 4; i++) {
            iv[4 + i] ^= plain[8 + i]; // SSRC
        }
        iv[12] ^= plain[2]; // sequence number (ROC 0)
        iv[13] ^= plain[3];
        Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
        ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(HEX.parseHex(cipherKey), "AES"), new IvParameterSpec(iv));
        byte[] expectedPayload = ctr.doFinal(plain, 12, plain.length - 12);

        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(HEX.parseHex(authKey), "HmacSHA1"));
        hmac.update(srtp, 0, plain.length);
        byte[] expectedTag = Arrays.copyOf(hmac.doFinal(new byte[4]), tagLength);

        assertThat(srtp).hasSize(plain.length + tagLength);
        assertThat(Arrays.copyOfRange(srtp, 0, 12)).isEqualTo(Arrays.copyOf(plain, 12));
        assertThat(Arrays.copyOfRange(srtp, 12, plain.length)).isEqualTo(expectedPayload);
        assertThat(Arrays.copyOfRange(srtp, plain.length, srtp.length)).isEqualTo(expectedTag);
    }

    static SdesCrypto key(CryptoSuite suite, String masterKey, String masterSalt) {
        byte[] material = HEX.parseHex(masterKey + masterSalt);
        return SdesCrypto.parse("1 " + suite + " inline:" + Base64.getEncoder().encodeToString(material)).orElseThrow();
    }

    static PacketBuffer packet(byte[] content) {
        PacketBuffer packet = new PacketBuffer();
        System.arraycopy(content, 0, packet.array(), 0, content.length);
        return packet.reset(content.length);
    }

    static byte[] bytes(PacketBuffer packet) {
        return Arrays.copyOfRange(packet.getBuffer(), packet.getOffset(), packet.getOffset() + packet.getLength());
    }
}
