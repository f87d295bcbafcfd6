package io.voxgate.media.srtp;

import io.voxgate.media.sdes.SdesCrypto;
import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;

/**
 * Encrypts and signs, in place, what the relay sends to one party, with the key the relay put in
 * the SDP it sent that party. One context per SSRC passing through (the relay does not rewrite
 * SSRCs). Confined to the thread of the session's event loop.
 */
public final class SrtpSender implements AutoCloseable {

    private final SrtpContextFactory factory;
    private final SsrcContexts<SrtpCryptoContext> rtp = new SsrcContexts<>();
    private final SsrcContexts<SrtcpCryptoContext> rtcp = new SsrcContexts<>();

    public SrtpSender(SdesCrypto relayKey) {
        if (relayKey.mki().isPresent()) {
            throw new IllegalArgumentException("the relay's own keys carry no MKI");
        }
        this.factory = new SrtpContextFactory(true, relayKey.masterKey(), relayKey.masterSalt(),
                SrtpProfile.rtp(relayKey.suite()), SrtpProfile.rtcp(relayKey.suite()), SrtpEngine.logger());
    }

    /** RTP in, SRTP out. */
    public SrtpOutcome protectRtp(PacketBuffer packet) {
        int ssrc = SrtpReceiver.readInt(packet, 8);
        try {
            SrtpCryptoContext context = rtp.find(ssrc);
            if (context == null) {
                context = factory.deriveContext(ssrc, 0);
                rtp.add(ssrc, context);
            }
            return SrtpReceiver.outcome(context.transformPacket(packet));
        } catch (GeneralSecurityException e) {
            return SrtpOutcome.INVALID;
        }
    }

    /** RTCP in, SRTCP out (the E flag and index appended, then the tag). */
    public SrtpOutcome protectRtcp(PacketBuffer packet) {
        int ssrc = SrtpReceiver.readInt(packet, 4);
        try {
            SrtcpCryptoContext context = rtcp.find(ssrc);
            if (context == null) {
                context = factory.deriveControlContext(ssrc);
                rtcp.add(ssrc, context);
            }
            return SrtpReceiver.outcome(context.transformPacket(packet));
        } catch (GeneralSecurityException e) {
            return SrtpOutcome.INVALID;
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
