package io.voxgate.sip.transport;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;

import gov.nist.javax.sip.message.SIPMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

/**
 * One connection from a phone (RFC 5626 "flow"): requests to a phone behind NAT must go back down
 * the connection it registered over, so bindings remember the flow, not just an address.
 * Thread-safe: sends are queued on the connection's event loop.
 */
public final class SipFlow {

    private final String id;
    private final Channel channel;
    private final String transport;
    private volatile Optional<X509Certificate> peerCertificate = Optional.empty();
    private final ResponseCounters responses;
    private volatile io.voxgate.sip.security.DeviceCertificateCheck.Result certificateIdentity;

    private final InetSocketAddress advertised;
    private final InetSocketAddress remote;

    SipFlow(String id, Channel channel, String transport, ResponseCounters responses, InetSocketAddress advertised) {
        this.advertised = advertised;
        this.remote = (InetSocketAddress) channel.remoteAddress(); // kept: still needed once the channel has closed
        this.responses = responses;
        this.id = id;
        this.channel = channel;
        this.transport = transport;
    }

    public String id() {
        return id;
    }

    public String transport() {
        return transport;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** RFC 3261 §19.1.2: the port of a sips: or transport=tls URI (or Via) that names none. */
    public static final int DEFAULT_TLS_PORT = 5061;

    /** Whether a URI or Via host and port ({@code port} <= 0: none given) name this switch as reached over this flow. */
    public boolean isAdvertisedAs(String host, int port) {
        return (port > 0 ? port : DEFAULT_TLS_PORT) == advertised.getPort()
                && advertised.getAddress().getHostAddress().equals(host);
    }

    /**
     * Where this switch is reached over this flow, for its Via and Record-Route: the listener's
     * address, also on a connection the switch dialled (whose local port is an ephemeral one).
     */
    public InetSocketAddress advertisedAddress() {
        return advertised;
    }

    public Optional<X509Certificate> peerCertificate() {
        return peerCertificate;
    }

    void peerCertificate(X509Certificate certificate) {
        this.peerCertificate = Optional.ofNullable(certificate);
    }

    /** What the peer certificate of this connection identifies, once computed (it cannot change). */
    public io.voxgate.sip.security.DeviceCertificateCheck.Result certificateIdentity(
            java.util.function.Function<X509Certificate, io.voxgate.sip.security.DeviceCertificateCheck.Result> identify) {
        var known = certificateIdentity;
        if (known == null) {
            known = identify.apply(peerCertificate.orElseThrow());
            certificateIdentity = known;
        }
        return known;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    public void send(SIPMessage message) {
        sendEncoded(message);
    }

    /** Sends {@code message} and returns its bytes, for a transaction that may have to send them again. */
    public byte[] sendEncoded(SIPMessage message) {
        if (message instanceof gov.nist.javax.sip.message.SIPResponse response) {
            responses.count(response.getStatusCode());
        }
        byte[] bytes = message.encodeAsBytes(transport);
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        return bytes;
    }

    /** Sends bytes {@link #sendEncoded} returned once more (a retransmitted request's answer). */
    public void resend(byte[] encoded) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(encoded));
    }

    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "flow " + id + " (" + transport + " " + channel.remoteAddress() + ")";
    }
}
