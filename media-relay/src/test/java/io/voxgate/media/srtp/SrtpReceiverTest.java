package io.voxgate.media.srtp;

import static io.voxgate.media.srtp.SrtpTestVectorsTest.bytes;
import static io.voxgate.media.srtp.SrtpTestVectorsTest.packet;
import static org.assertj.core.api.Assertions.assertThat;

import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SrtpReceiverTest {

    private final SecureRandom random = new SecureRandom();
    private final SdesCrypto phoneKey = SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);

    @BeforeAll
    static void engine() {
        SrtpEngine.start();
    }

    @Test
    void everySingleBitFlipIsRefused() {
        try (SrtpSender phone = new SrtpSender(phoneKey)) {
            byte[] srtp = protect(phone, rtp(1, 0x1234));
            for (int bit = 0; bit < srtp.length * 8; bit++) {
                byte[] tampered = srtp.clone();
                tampered[bit / 8] ^= (byte) (1 << (bit % 8));
                try (SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
                    assertThat(relay.unprotectRtp(packet(tampered))).as("bit %d flipped", bit).isNotEqualTo(SrtpOutcome.OK);
                }
            }
        }
    }

    @Test
    void aReplayedPacketIsRefusedAndTheStreamGoesOn() {
        try (SrtpSender phone = new SrtpSender(phoneKey); SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
            byte[] first = protect(phone, rtp(1, 0x1234));
            byte[] second = protect(phone, rtp(2, 0x1234));

            assertThat(relay.unprotectRtp(packet(first))).isEqualTo(SrtpOutcome.OK);
            assertThat(relay.unprotectRtp(packet(first))).isEqualTo(SrtpOutcome.REPLAYED);
            assertThat(relay.unprotectRtp(packet(second))).isEqualTo(SrtpOutcome.OK);
        }
    }

    @Test
    void aPacketUnderAnotherKeyFailsAuthentication() {
        SdesCrypto otherKey = SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);
        try (SrtpSender attacker = new SrtpSender(otherKey); SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
            assertThat(relay.unprotectRtp(packet(protect(attacker, rtp(1, 0x1234))))).isEqualTo(SrtpOutcome.AUTH_FAILED);
        }
    }

    @Test
    void forgedSsrcsDoNotDisplaceTheRealStream() {
        SdesCrypto otherKey = SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);
        try (SrtpSender phone = new SrtpSender(phoneKey); SrtpSender attacker = new SrtpSender(otherKey);
             SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
            assertThat(relay.unprotectRtp(packet(protect(phone, rtp(1, 0x1234))))).isEqualTo(SrtpOutcome.OK);
            for (int ssrc = 1; ssrc <= 100; ssrc++) {
                assertThat(relay.unprotectRtp(packet(protect(attacker, rtp(1, ssrc))))).isEqualTo(SrtpOutcome.AUTH_FAILED);
            }
            byte[] next = protect(phone, rtp(2, 0x1234));
            assertThat(relay.unprotectRtp(packet(next))).isEqualTo(SrtpOutcome.OK);
        }
    }

    @Test
    void aFloodOfForgedSsrcsBuysAtMostSixteenContextDerivationsASecond() {
        SdesCrypto otherKey = SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random);
        try (SrtpSender attacker = new SrtpSender(otherKey); SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
            java.util.List<byte[]> forged = new java.util.ArrayList<>();
            for (int ssrc = 1; ssrc <= 200; ssrc++) {
                forged.add(protect(attacker, rtp(1, ssrc)));
            }
            long start = System.nanoTime();
            for (byte[] packet : forged) {
                assertThat(relay.unprotectRtp(packet(packet))).isEqualTo(SrtpOutcome.AUTH_FAILED);
            }
            long windows = 1 + (System.nanoTime() - start) / 1_000_000_000L + 1; // the loop may straddle window boundaries
            assertThat(relay.derivations()).isLessThanOrEqualTo((int) (16 * windows)).isLessThan(200);
        }
    }

    @Test
    void anMkiBeforeTheTagIsStrippedAndThePacketAuthenticates() {
        SdesCrypto withMki = SdesCrypto.parse(phoneKey.toAttributeValue() + "|1:2").orElseThrow();
        byte[] plain = rtp(7, 0x4321);
        try (SrtpSender phone = new SrtpSender(phoneKey); SrtpReceiver relay = new SrtpReceiver(withMki)) {
            byte[] srtp = protect(phone, plain);
            byte[] onTheWire = new byte[srtp.length + 2];
            System.arraycopy(srtp, 0, onTheWire, 0, srtp.length - 10);
            onTheWire[srtp.length - 10] = 0;
            onTheWire[srtp.length - 9] = 1; // MKI value 1, two bytes
            System.arraycopy(srtp, srtp.length - 10, onTheWire, srtp.length - 8, 10);

            PacketBuffer packet = packet(onTheWire);
            assertThat(relay.unprotectRtp(packet)).isEqualTo(SrtpOutcome.OK);
            assertThat(bytes(packet)).isEqualTo(plain);
        }
    }

    @Test
    void tooShortAndNonRtpPacketsAreInvalid() {
        try (SrtpReceiver relay = new SrtpReceiver(phoneKey)) {
            assertThat(relay.unprotectRtp(packet(new byte[12]))).isEqualTo(SrtpOutcome.INVALID);
            byte[] stun = new byte[40]; // a STUN binding request starts 0x00 0x01
            stun[1] = 1;
            assertThat(relay.unprotectRtp(packet(stun))).isEqualTo(SrtpOutcome.INVALID);
        }
    }

    static byte[] rtp(int sequence, int ssrc) {
        byte[] packet = new byte[12 + 160];
        packet[0] = (byte) 0x80;
        packet[1] = 0; // PCMU
        packet[2] = (byte) (sequence >> 8);
        packet[3] = (byte) sequence;
        packet[8] = (byte) (ssrc >> 24);
        packet[9] = (byte) (ssrc >> 16);
        packet[10] = (byte) (ssrc >> 8);
        packet[11] = (byte) ssrc;
        for (int i = 12; i < packet.length; i++) {
            packet[i] = (byte) (0x55 ^ i);
        }
        return packet;
    }

    static byte[] protect(SrtpSender sender, byte[] rtp) {
        PacketBuffer packet = packet(rtp);
        assertThat(sender.protectRtp(packet)).isEqualTo(SrtpOutcome.OK);
        return bytes(packet);
    }
}
