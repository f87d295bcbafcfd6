package io.voxgate.media.relay;

import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import io.voxgate.media.sdp.MediaDescription;
import io.voxgate.media.sdp.SessionDescription;
import io.voxgate.media.srtp.PacketBuffer;
import io.voxgate.media.srtp.SrtpOutcome;
import io.voxgate.media.srtp.SrtpReceiver;
import io.voxgate.media.srtp.SrtpSender;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * A phone's media side for tests: a real UDP socket on loopback, its own SDES key for what it
 * sends, and the key the relay gave it for what it receives. Sends numbered RTP packets and
 * reads them back decrypted.
 */
final class SrtpTestPhone implements AutoCloseable {

    final DatagramSocket socket;
    final SdesCrypto ownKey;
    final int ssrc;
    private final SrtpSender sender;
    private SrtpReceiver receiver;
    private SdesCrypto relayKey;
    private InetSocketAddress relay;
    private int sequence = 1;

    SrtpTestPhone(CryptoSuite suite, int tag) throws IOException {
        this(suite, tag, new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    private SrtpTestPhone(CryptoSuite suite, int tag, DatagramSocket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(2000);
        this.ownKey = SdesCrypto.generate(tag, suite, new SecureRandom());
        this.ssrc = new SecureRandom().nextInt();
        this.sender = new SrtpSender(ownKey);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** An offer as a desk phone writes one: PCMU, PCMA, telephone-event, separate RTCP. */
    String offer(String... extraCrypto) {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
                .append("m=audio ").append(port()).append(" RTP/SAVP 0 8 101\r\n")
                .append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n")
                .append("a=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n")
                .append("a=crypto:").append(ownKey.toAttributeValue()).append("\r\n");
        for (String line : extraCrypto) {
            sdp.append("a=crypto:").append(line).append("\r\n");
        }
        return sdp.toString();
    }

    /** The answer to the relay's offer: the offered line with {@code tag}, the phone's own key on it. */
    String answer(byte[] relayOffer, int tag) {
        MediaDescription audio = SessionDescription.parse(relayOffer).media().get(0);
        SdesCrypto chosen = audio.cryptoLines().stream().filter(c -> c.tag() == tag).findFirst().orElseThrow();
        learnRelay(relayOffer, chosen);
        return "v=0\r\no=phone 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port() + " RTP/SAVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
                + "a=crypto:" + ownKey.withTag(tag).toAttributeValue() + "\r\n";
    }

    /** Reads the relay's port and key from the SDP the relay sent this phone (the offerer reads its answer). */
    void learnRelay(byte[] sdpFromRelay, SdesCrypto relayKey) {
        MediaDescription audio = SessionDescription.parse(sdpFromRelay).media().get(0);
        relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), audio.port());
        receiver = new SrtpReceiver(relayKey);
        this.relayKey = relayKey;
    }

    /** Whether {@code srtp} authenticates under the key the relay gave this phone (checked on a fresh context). */
    boolean acceptsUnderRelayKey(byte[] srtp) {
        PacketBuffer packet = new PacketBuffer();
        System.arraycopy(srtp, 0, packet.array(), 0, srtp.length);
        packet.reset(srtp.length);
        try (SrtpReceiver fresh = new SrtpReceiver(relayKey)) {
            return fresh.unprotectRtp(packet) == SrtpOutcome.OK;
        }
    }

    void learnRelay(byte[] sdpFromRelay) {
        MediaDescription audio = SessionDescription.parse(sdpFromRelay).media().get(0);
        learnRelay(sdpFromRelay, audio.cryptoLines().getFirst());
    }

    InetSocketAddress relayAddress() {
        return relay;
    }

    /** Sends the next RTP packet, its payload naming its sequence number; returns the SRTP bytes sent. */
    byte[] send() throws IOException {
        return sendFrom(socket);
    }

    byte[] sendFrom(DatagramSocket from) throws IOException {
        byte[] srtp = protect(rtp(sequence++));
        from.send(new DatagramPacket(srtp, srtp.length, relay));
        return srtp;
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, relay));
    }

    /** The next packet that reaches the socket, decrypted with the relay's key; empty after the timeout. */
    Optional<byte[]> receive(int timeoutMillis) throws IOException {
        return receiveOn(socket, timeoutMillis);
    }

    Optional<byte[]> receiveOn(DatagramSocket on, int timeoutMillis) throws IOException {
        byte[] buffer = new byte[2048];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        on.setSoTimeout(timeoutMillis);
        try {
            on.receive(datagram);
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        }
        PacketBuffer packet = new PacketBuffer();
        System.arraycopy(buffer, 0, packet.array(), 0, datagram.getLength());
        packet.reset(datagram.getLength());
        SrtpOutcome outcome = receiver.unprotectRtp(packet);
        if (outcome != SrtpOutcome.OK) {
            throw new AssertionError("packet from the relay did not authenticate with the relay's key: " + outcome);
        }
        return Optional.of(Arrays.copyOfRange(packet.getBuffer(), packet.getOffset(), packet.getOffset() + packet.getLength()));
    }

    byte[] rtp(int seq) {
        byte[] packet = new byte[12 + 160];
        packet[0] = (byte) 0x80;
        packet[2] = (byte) (seq >> 8);
        packet[3] = (byte) seq;
        packet[8] = (byte) (ssrc >> 24);
        packet[9] = (byte) (ssrc >> 16);
        packet[10] = (byte) (ssrc >> 8);
        packet[11] = (byte) ssrc;
        byte[] text = ("tone " + seq).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, packet, 12, text.length);
        return packet;
    }

    byte[] protect(byte[] rtp) {
        PacketBuffer packet = new PacketBuffer();
        System.arraycopy(rtp, 0, packet.array(), 0, rtp.length);
        packet.reset(rtp.length);
        if (sender.protectRtp(packet) != SrtpOutcome.OK) {
            throw new AssertionError("protect failed");
        }
        return Arrays.copyOfRange(packet.getBuffer(), 0, packet.getLength());
    }

    @Override
    public void close() {
        socket.close();
        sender.close();
        if (receiver != null) {
            receiver.close();
        }
    }
}
