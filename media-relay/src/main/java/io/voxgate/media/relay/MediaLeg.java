package io.voxgate.media.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.FastThreadLocal;
import io.voxgate.media.relay.RelayMetrics.Drop;
import io.voxgate.media.sdes.SdesCrypto;
import io.voxgate.media.srtp.PacketBuffer;
import io.voxgate.media.srtp.SrtpOutcome;
import io.voxgate.media.srtp.SrtpReceiver;
import io.voxgate.media.srtp.SrtpSender;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One party's side of one stream: the relay's port pair facing that phone, the phone's key (to
 * check and decrypt what it sends) and the relay's key for it (to encrypt what goes to it), and
 * where the phone is. Packets it receives go, re-keyed, to its {@link #peer}.
 * <p>
 * Latching (symmetric RTP, RFC 4961, for phones behind NAT): packets go to the address in the
 * phone's SDP until a packet from the phone authenticates; from then on to the address that
 * packet came from, and again whenever an authenticated packet comes from elsewhere (the phone
 * moved). A packet that does not authenticate never moves the latch, so nobody can take over a
 * stream by sending first. A plain-RTP leg (only where the tenant allows it) cannot authenticate;
 * it latches only to a port on the IP address its SDP gave.
 * <p>
 * Crypto and addresses are set by signalling threads (volatile); the packet path runs on the
 * session's event loop and owns the SRTP contexts.
 */
final class MediaLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MediaLeg.class);
    private static final FastThreadLocal<PacketBuffer> BUFFERS = new FastThreadLocal<>() {
        @Override
        protected PacketBuffer initialValue() {
            return new PacketBuffer();
        }
    };

    final MediaSession session;
    final int stream;
    final boolean callerSide;
    final int rtpPort;
    private final RelayMetrics metrics;
    private final MediaTap tap;

    private volatile DatagramChannel rtp;
    private volatile DatagramChannel rtcp;

    private volatile SdesCrypto partyKey;
    private volatile SdesCrypto relayKey;
    private volatile SrtpReceiver receiver;
    private volatile SrtpSender sender;
    private volatile boolean plain;
    private volatile InetAddress sdpAddress;
    private volatile InetSocketAddress rtpTarget;
    private volatile InetSocketAddress rtcpTarget;
    private volatile boolean latched;
    private volatile boolean rtcpMux;
    private volatile MediaLeg peer;
    private volatile boolean released;
    private volatile boolean sendingSuspended;
    private volatile long lastPacketNanos;
    /** The phone's own SDP asked for rtcp-mux; kept by the session, under its lock. */
    boolean rtcpMuxOffered;

    MediaLeg(MediaSession session, int stream, boolean callerSide, int rtpPort, RelayMetrics metrics, MediaTap tap) {
        this.session = session;
        this.stream = stream;
        this.callerSide = callerSide;
        this.rtpPort = rtpPort;
        this.metrics = metrics;
        this.tap = tap;
        this.lastPacketNanos = System.nanoTime();
    }

    /** Opens the port pair; false (nothing left open) when either port is taken. */
    boolean open(RelayTransport transport) {
        rtp = transport.bind(session.loop, rtpPort, new Socket(false));
        rtcp = rtp == null ? null : transport.bind(session.loop, rtpPort + 1, new Socket(true));
        if (rtcp == null) {
            RelayTransport.closeQuietly(rtp);
            rtp = null;
            return false;
        }
        return true;
    }

    /** The phone's own key, from its SDP; the contexts change only when the key does (a re-INVITE may repeat it). */
    void partyKey(SdesCrypto key) {
        if (key != null && partyKey != null && partyKey.sameKeyAs(key)) {
            return;
        }
        SrtpReceiver old = receiver;
        partyKey = key;
        receiver = key == null ? null : new SrtpReceiver(key);
        plain = key == null;
        closeOnLoop(old);
    }

    /** The relay's key towards the phone, as written into the SDP the phone gets. */
    void relayKey(SdesCrypto key) {
        if (key != null && relayKey != null && relayKey.sameKeyAs(key)) {
            return;
        }
        SrtpSender old = sender;
        relayKey = key;
        sender = key == null ? null : new SrtpSender(key);
        closeOnLoop(old);
    }

    SdesCrypto relayKey() {
        return relayKey;
    }

    SdesCrypto partyKey() {
        return partyKey;
    }

    /** Where the phone's SDP says it receives; moves the targets only until a packet latched them. */
    void sdpTargets(InetSocketAddress rtpAddress, InetSocketAddress rtcpAddress, boolean mux) {
        sdpAddress = rtpAddress.getAddress();
        rtcpMux = mux;
        if (!latched) {
            rtpTarget = rtpAddress;
            rtcpTarget = mux ? rtpAddress : rtcpAddress;
        }
    }

    /** The phone's SDP said c=0.0.0.0: nothing is sent to it until a later SDP gives an address. */
    void suspendSending(boolean suspended) {
        sendingSuspended = suspended;
    }

    void rtcpMux(boolean mux) {
        rtcpMux = mux;
    }

    void peer(MediaLeg leg) {
        peer = leg;
    }

    MediaLeg peer() {
        return peer;
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    InetSocketAddress rtpTarget() {
        return rtpTarget;
    }

    /** Closes the sockets and the contexts; the port pair goes back to the pool once both sockets are closed. */
    void release(PortPool ports) {
        if (released) {
            return;
        }
        released = true;
        peer = null;
        if (rtp == null) {
            return;
        }
        rtp.close();
        rtcp.close().addListener(done -> {
            closeQuietly(receiver);
            closeQuietly(sender);
            ports.release(rtpPort);
        });
    }

    private void receive(DatagramPacket datagram, boolean onRtcpPort) {
        ByteBuf content = datagram.content();
        try {
            int length = content.readableBytes();
            if (released || length < 8 || length > PacketBuffer.MAX_PACKET) {
                metrics.dropped(Drop.INVALID);
                return;
            }
            PacketBuffer packet = BUFFERS.get();
            content.getBytes(content.readerIndex(), packet.array(), 0, length);
            packet.reset(length);
            boolean isRtcp = onRtcpPort || isRtcp(packet.array()[1]);
            InetSocketAddress source = datagram.sender();
            if (!checkAndDecrypt(packet, isRtcp, source)) {
                return;
            }
            latch(source, isRtcp);
            lastPacketNanos = System.nanoTime();
            metrics.packetsIn.increment();
            metrics.bytesIn.increment(length);
            if (isRtcp) {
                recordLoss(packet);
            } else {
                tap.rtp(session.callId, stream, callerSide, packet.getBuffer(), packet.getOffset(), packet.getLength());
            }
            MediaLeg to = peer;
            if (to == null || to.released) {
                metrics.dropped(Drop.NO_DESTINATION);
                return;
            }
            to.send(packet, isRtcp, content);
        } finally {
            if (content != null) {
                content.release();
            }
        }
    }

    private boolean checkAndDecrypt(PacketBuffer packet, boolean isRtcp, InetSocketAddress source) {
        if (plain) {
            if (!source.getAddress().equals(sdpAddress)) {
                metrics.dropped(Drop.UNEXPECTED_SOURCE);
                return false;
            }
            return true;
        }
        SrtpReceiver r = receiver;
        if (r == null) {
            metrics.dropped(Drop.NOT_KEYED);
            return false;
        }
        SrtpOutcome outcome = isRtcp ? r.unprotectRtcp(packet) : r.unprotectRtp(packet);
        if (outcome != SrtpOutcome.OK) {
            metrics.dropped(outcome);
            return false;
        }
        return true;
    }

    /**
     * Encrypts for this leg's phone and writes. The bytes go out in {@code received}, the
     * datagram's own pooled buffer, when it has room for them (the caller releases it, so it is
     * retained for the write); else in a new pooled buffer: received buffers are slices as long as
     * the datagram, and protecting may lengthen the packet (an 80-bit tag where 32 came in).
     */
    private boolean send(PacketBuffer packet, boolean isRtcp, ByteBuf received) {
        if (sendingSuspended) {
            metrics.dropped(Drop.NO_DESTINATION);
            return false;
        }
        if (!plain) {
            SrtpSender s = sender;
            SrtpOutcome outcome = s == null ? SrtpOutcome.INVALID : isRtcp ? s.protectRtcp(packet) : s.protectRtp(packet);
            if (outcome != SrtpOutcome.OK) {
                metrics.dropped(Drop.NOT_KEYED);
                return false;
            }
        }
        InetSocketAddress target = isRtcp ? rtcpTarget : rtpTarget;
        DatagramChannel socket = isRtcp && !rtcpMux ? rtcp : rtp;
        if (target == null || socket == null) {
            metrics.dropped(Drop.NO_DESTINATION);
            return false;
        }
        ByteBuf out = received.refCnt() == 1 && received.capacity() >= packet.getLength()
                ? received.retain().clear()
                : socket.alloc().directBuffer(packet.getLength());
        out.writeBytes(packet.getBuffer(), packet.getOffset(), packet.getLength());
        metrics.packetsOut.increment();
        metrics.bytesOut.increment(packet.getLength());
        socket.writeAndFlush(new DatagramPacket(out, target), socket.voidPromise());
        return true;
    }

    private void latch(InetSocketAddress source, boolean isRtcp) {
        if (isRtcp && !rtcpMux) {
            if (!source.equals(rtcpTarget)) {
                rtcpTarget = source;
            }
            return;
        }
        if (!latched) {
            latched = true;
            metrics.latches.increment();
            if (!source.equals(rtpTarget)) {
                rtpTarget = source;
                if (rtcpMux) {
                    rtcpTarget = source;
                }
            }
        } else if (!source.equals(rtpTarget)) {
            metrics.relatches.increment();
            session.relatched(this, source);
            rtpTarget = source;
            if (rtcpMux) {
                rtcpTarget = source;
            }
        }
    }

    /** RFC 3550 §6.4: the first reception report block's fraction lost, of an SR (200) or RR (201). */
    private void recordLoss(PacketBuffer packet) {
        byte[] b = packet.getBuffer();
        int at = packet.getOffset();
        int type = b[at + 1] & 0xFF;
        int reports = b[at] & 0x1F;
        int block = type == 200 ? 28 : type == 201 ? 8 : -1;
        if (block > 0 && reports > 0 && packet.getLength() >= block + 24) {
            metrics.fractionLost.record((b[at + block + 4] & 0xFF) / 256.0);
        }
    }

    /** RFC 5761 §4: on a muxed port, RTCP packet types 192-223 are told from RTP by the second byte. */
    static boolean isRtcp(byte secondByte) {
        int type = secondByte & 0xFF;
        return type >= 192 && type <= 223;
    }

    private void closeOnLoop(AutoCloseable old) {
        if (old != null) {
            session.loop.execute(() -> closeQuietly(old));
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // jitsi-srtp's close frees native cipher state and does not fail
            }
        }
    }

    @Override
    public String toString() {
        return (callerSide ? "caller" : "callee") + " leg of stream " + stream + " on port " + rtpPort
                + (rtpTarget == null ? "" : " towards " + rtpTarget);
    }

    /** One of the leg's two sockets. */
    private final class Socket extends ChannelInboundHandlerAdapter {
        private final boolean rtcpPort;

        Socket(boolean rtcpPort) {
            this.rtcpPort = rtcpPort;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket datagram) {
                receive(datagram, rtcpPort);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like: UDP goes on, the phone may come back
            log.debug("{}: {}", MediaLeg.this, cause.toString());
        }
    }
}
