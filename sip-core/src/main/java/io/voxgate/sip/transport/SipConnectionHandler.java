package io.voxgate.sip.transport;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.Warning;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.sip.message.SipMessageParser;
import io.voxgate.sip.message.SipParseResult;
import io.voxgate.sip.security.EdgeGuard;

/**
 * Per connection: parses framed messages, answers keepalives, answers malformed requests with
 * 400 (or closes when nothing can be answered), and hands requests to the {@link SipRequestHandler}.
 * No exception leaves this handler: a failing request gets a 500, the connection stays up.
 */
final class SipConnectionHandler extends SimpleChannelInboundHandler<SipInbound> {

    private static final Logger log = LoggerFactory.getLogger(SipConnectionHandler.class);
    private static final AtomicLong FLOW_IDS = new AtomicLong();
    /** The flow of a channel, for the {@link SipConnector} that dialled it. */
    static final AttributeKey<SipFlow> FLOW = AttributeKey.valueOf("voxgate.sip.flow");

    private final SipMessageParser parser;
    private final SipRequestHandler handler;
    private final FlowRegistry flows;
    private final String transport;
    private final Counter malformed;
    private final EdgeGuard guard;
    private final ResponseCounters responses;
    private final InetSocketAddress advertised;
    private SipFlow flow;

    /** @param advertised the address this switch names in Via and Record-Route on this connection; null: its local address */
    SipConnectionHandler(SipMessageParser parser, SipRequestHandler handler, FlowRegistry flows, String transport,
                         MeterRegistry metrics, EdgeGuard guard, ResponseCounters responses, InetSocketAddress advertised) {
        this.advertised = advertised;
        this.guard = guard;
        this.responses = responses;
        this.parser = parser;
        this.handler = handler;
        this.flows = flows;
        this.transport = transport;
        this.malformed = metrics.counter("voxgate.sip.malformed.messages");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote && guard.isBanned(remote.getAddress())) {
            ctx.close(); // before the TLS handshake: a banned source costs no crypto
            return;
        }
        flow = new SipFlow(flows.nodeId() + "-" + FLOW_IDS.incrementAndGet(), ctx.channel(), transport, responses,
                advertisedAddress(ctx.channel()));
        ctx.channel().attr(FLOW).set(flow);
        flows.add(flow);
        super.channelActive(ctx);
    }

    /** A listener on a wildcard address is reached, from this connection, at the connection's own local address. */
    private InetSocketAddress advertisedAddress(io.netty.channel.Channel channel) {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        if (advertised == null) {
            return local;
        }
        return advertised.getAddress().isAnyLocalAddress() ? new InetSocketAddress(local.getAddress(), advertised.getPort()) : advertised;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (flow != null) {
            flows.remove(flow);
            try {
                handler.onFlowClosed(flow);
            } catch (RuntimeException e) {
                log.error("handling the close of {} failed", flow, e);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            try {
                Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
                if (peer.length > 0 && peer[0] instanceof X509Certificate certificate) {
                    flow.peerCertificate(certificate);
                }
            } catch (SSLPeerUnverifiedException noClientCertificate) {
                // a phone without a device certificate: allowed unless the tenant requires one
            }
        } else if (event instanceof IdleStateEvent) {
            log.debug("{} idle too long; closing", flow);
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SipInbound inbound) {
        switch (inbound) {
            case SipInbound.KeepalivePing ping -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}));
            case SipInbound.FramingError error -> rejectStream(ctx, error);
            case SipInbound.Frame frame -> onFrame(ctx, frame);
        }
    }

    private void onFrame(ChannelHandlerContext ctx, SipInbound.Frame frame) {
        switch (parser.parse(frame.bytes())) {
            case SipParseResult.Parsed parsed when parsed.message() instanceof SIPRequest request -> dispatch(request);
            case SipParseResult.Parsed parsed -> onResponse((SIPResponse) parsed.message());
            case SipParseResult.Malformed bad -> {
                malformed.increment();
                if (bad.answerable() != null && !"ACK".equals(bad.answerable().getMethod())) {
                    flow.send(badRequest(bad.answerable(), bad.reason()));
                } else {
                    log.debug("{}: unanswerable malformed message ({}); closing", flow, bad.reason());
                    ctx.close();
                }
            }
        }
    }

    private void dispatch(SIPRequest request) {
        String userAgent = request.getHeader("User-Agent") instanceof gov.nist.javax.sip.header.SIPHeader ua ? ua.getHeaderValue() : null;
        Optional<String> refusal = guard.refuse(flow.remoteAddress().getAddress(), userAgent);
        if (refusal.isPresent()) {
            // dropped without an answer: a scanner or flooder learns nothing, not even that this is SIP
            log.debug("{}: {} dropped ({})", flow, request.getMethod(), refusal.get());
            if ("banned".equals(refusal.get())) {
                flow.close();
            }
            return;
        }
        try {
            handler.onRequest(flow, request);
        } catch (RuntimeException e) {
            log.error("{}: handling {} failed", flow, request.getFirstLine().strip(), e);
            if (!"ACK".equals(request.getMethod())) {
                flow.send(SipResponses.create(request, SIPResponse.SERVER_INTERNAL_ERROR));
            }
        }
    }

    private void onResponse(SIPResponse response) {
        try {
            handler.onResponse(flow, response);
        } catch (RuntimeException e) {
            log.error("{}: handling response {} failed", flow, response.getStatusCode(), e);
        }
    }

    private void rejectStream(ChannelHandlerContext ctx, SipInbound.FramingError error) {
        malformed.increment();
        log.debug("{}: {}; closing", flow, error.reason());
        SipParseResult headers = parser.parse(withEmptyBody(error.headerBlock()));
        if (headers instanceof SipParseResult.Parsed parsed && parsed.message() instanceof SIPRequest request) {
            int status = error.reason().contains("exceed") || error.reason().contains("above")
                    ? SIPResponse.MESSAGE_TOO_LARGE : SIPResponse.BAD_REQUEST;
            SIPResponse response = SipResponses.create(request, status);
            response.setReasonPhrase(status == SIPResponse.BAD_REQUEST ? "Bad Request: " + error.reason()
                    : response.getReasonPhrase());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(response.encodeAsBytes(transport))).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private static byte[] withEmptyBody(byte[] headerBlock) {
        String headers = new String(headerBlock, StandardCharsets.UTF_8).replaceAll("(?im)^(content-length|l)\\s*:.*$", "");
        return (headers.strip() + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static SIPResponse badRequest(SIPRequest request, String reason) {
        SIPResponse response = SipResponses.create(request, SIPResponse.BAD_REQUEST);
        try {
            Warning warning = new Warning();
            warning.setCode(399);
            warning.setAgent("voxgate");
            warning.setText(reason.length() > 200 ? reason.substring(0, 200) : reason);
            response.setHeader(warning);
        } catch (java.text.ParseException | javax.sip.InvalidArgumentException e) {
            // the Warning is a courtesy; the 400 goes out without it
        }
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}; closing", flow, cause.toString());
        ctx.close();
    }
}
