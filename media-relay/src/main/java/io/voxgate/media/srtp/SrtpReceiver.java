package io.voxgate.media.srtp;

import io.voxgate.media.sdes.SdesCrypto;
import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;

/**
 * Checks and decrypts, in place, what one party sends, with the key it put in its SDP (RFC 4568:
 * each sender chooses the key for its own direction). Authentication and the replay window are
 * jitsi-srtp's (RFC 3711 §3.3); a packet that fails either leaves no state behind. Confined to
 * the thread of the session's event loop.
 */
public final class SrtpReceiver implements AutoCloseable {

    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    private final SrtpContextFactory factory;
    private final int rtpTagLength;
    private final int mkiLength;
    private final SsrcContexts<SrtpCryptoContext> rtp = new SsrcContexts<>();
    private final SsrcContexts<SrtcpCryptoContext> rtcp = new SsrcContexts<>();
    private final NewSsrcBudget newSsrcBudget = new NewSsrcBudget();

    public SrtpReceiver(SdesCrypto senderKey) {
        this.factory = new SrtpContextFactory(false, senderKey.masterKey(), senderKey.masterSalt(),
                SrtpProfile.rtp(senderKey.suite()), SrtpProfile.rtcp(senderKey.suite()), SrtpEngine.logger());
        this.rtpTagLength = SrtpProfile.rtpTagLength(senderKey.suite());
        this.mkiLength = senderKey.mki().map(SrtpReceiver::mkiLength).orElse(0);
    }

    /** SRTP in, RTP out (the tag and any MKI removed). */
    public SrtpOutcome unprotectRtp(PacketBuffer packet) {
        if (packet.getLength() < RTP_HEADER + mkiLength + rtpTagLength || (packet.getBuffer()[packet.getOffset()] & 0xC0) != 0x80) {
            return SrtpOutcome.INVALID;
        }
        packet.removeMki(mkiLength, rtpTagLength);
        int ssrc = readInt(packet, 8);
        try {
            SrtpCryptoContext context = rtp.find(ssrc);
            if (context != null) {
                return outcome(context.reverseTransformPacket(packet, false));
            }
            // A new SSRC: kept only once a packet of it authenticated.
            if (!newSsrcBudget.tryTake()) {
                return SrtpOutcome.AUTH_FAILED;
            }
            context = factory.deriveContext(ssrc, 0);
            SrtpOutcome outcome = outcome(context.reverseTransformPacket(packet, false));
            if (outcome == SrtpOutcome.OK) {
                rtp.add(ssrc, context);
            }
            return outcome;
        } catch (GeneralSecurityException e) {
            return SrtpOutcome.INVALID;
        }
    }

    /** SRTCP in, RTCP out. */
    public SrtpOutcome unprotectRtcp(PacketBuffer packet) {
        int tagLength = SrtpProfile.rtcpTagLength();
        if (packet.getLength() < RTCP_HEADER + 4 + mkiLength + tagLength || (packet.getBuffer()[packet.getOffset()] & 0xC0) != 0x80) {
            return SrtpOutcome.INVALID;
        }
        packet.removeMki(mkiLength, tagLength);
        int ssrc = readInt(packet, 4);
        try {
            SrtcpCryptoContext context = rtcp.find(ssrc);
            if (context != null) {
                return outcome(context.reverseTransformPacket(packet));
            }
            if (!newSsrcBudget.tryTake()) {
                return SrtpOutcome.AUTH_FAILED;
            }
            context = factory.deriveControlContext(ssrc);
            SrtpOutcome outcome = outcome(context.reverseTransformPacket(packet));
            if (outcome == SrtpOutcome.OK) {
                rtcp.add(ssrc, context);
            }
            return outcome;
        } catch (GeneralSecurityException e) {
            return SrtpOutcome.INVALID;
        }
    }

    @Override
    public void close() {
        factory.close();
    }

    /** New-SSRC contexts derived so far (tests: what forged packets cost). */
    int derivations() {
        return newSsrcBudget.taken;
    }

    /**
     * How many packets of unknown SSRCs a leg may try a context for per second. Deriving one costs
     * key derivation and two cipher set-ups before the tag can be checked, so a sender spraying
     * forged SSRCs at the relay's ports could otherwise buy that CPU per packet; a phone starts a
     * new SSRC a few times in a call at most.
     */
    private static final class NewSsrcBudget {
        private static final int PER_SECOND = 16;
        private long windowStart = System.nanoTime();
        private int inWindow;
        int taken;

        boolean tryTake() {
            long now = System.nanoTime();
            if (now - windowStart > 1_000_000_000L) {
                windowStart = now;
                inWindow = 0;
            }
            if (inWindow >= PER_SECOND) {
                return false;
            }
            inWindow++;
            taken++;
            return true;
        }
    }

    static int readInt(PacketBuffer packet, int at) {
        byte[] b = packet.getBuffer();
        int i = packet.getOffset() + at;
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    static SrtpOutcome outcome(SrtpErrorStatus status) {
        return switch (status) {
            case OK -> SrtpOutcome.OK;
            case AUTH_FAIL -> SrtpOutcome.AUTH_FAILED;
            case REPLAY_FAIL, REPLAY_OLD -> SrtpOutcome.REPLAYED;
            case FAIL, INVALID_PACKET -> SrtpOutcome.INVALID;
        };
    }

    /** RFC 4568 §9.1: {@code |mki-value:mki-length}, the length in bytes (1-128). */
    private static int mkiLength(String mki) {
        return Integer.parseInt(mki.substring(mki.indexOf(':') + 1));
    }
}
