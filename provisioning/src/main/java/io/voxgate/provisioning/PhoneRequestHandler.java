package io.voxgate.provisioning;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.voxgate.certs.CertificateRefusal;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.certs.DeviceIdentity;

/**
 * One phone's connection. Each request is answered on the blocking executor, never on the event
 * loop: the certificate the handshake accepted is judged again there (a CRL published since then
 * counts; PKIX and file reads stay off the loop), then {@link ProvisioningService} answers. One
 * request at a time per connection: reading pauses until the answer is written, so pipelined
 * requests are answered in order and one connection cannot queue hundreds of tasks.
 */
final class PhoneRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(PhoneRequestHandler.class);
    private static final byte[] BAD_REQUEST = "bad request\n".getBytes(StandardCharsets.UTF_8);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ProvisioningService service;
    private final DeviceCertificateVerifier verifier;
    private final Executor blocking;

    PhoneRequestHandler(ProvisioningService service, DeviceCertificateVerifier verifier, Executor blocking) {
        this.service = service;
        this.verifier = verifier;
        this.blocking = blocking;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = "HEAD".equals(request.method().name());
        String path;
        try {
            path = request.decoderResult().isSuccess() ? new QueryStringDecoder(request.uri()).path() : null;
        } catch (IllegalArgumentException e) {
            path = null;
        }
        if (path == null) {
            HttpResponses.send(ctx, false, head, 400, TEXT, BAD_REQUEST, Map.of());
            return;
        }
        Certificate[] peer;
        try {
            peer = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            ctx.close(); // cannot happen with client authentication required; never serve without it
            return;
        }
        String method = request.method().name();
        String requested = path;
        InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
        ctx.channel().config().setAutoRead(false);
        try {
            blocking.execute(() -> answer(ctx, keepAlive, head, method, requested, from, peer));
        } catch (RejectedExecutionException busy) {
            ctx.channel().config().setAutoRead(true);
            HttpResponses.send(ctx, false, head, 503, TEXT, "busy\n".getBytes(StandardCharsets.UTF_8), Map.of("Retry-After", "5"));
        }
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAliveAsked, boolean head, String method, String path,
                        InetSocketAddress from, Certificate[] peer) {
        ProvisioningService.Response answer;
        boolean keepAlive = keepAliveAsked;
        try {
            DeviceIdentity device = verifier.verify(Arrays.stream(peer).map(X509Certificate.class::cast).toArray(X509Certificate[]::new));
            answer = service.serve(new ProvisioningService.Request(method, path, from, device));
        } catch (CertificateRefusal refusal) {
            // accepted at the handshake, refused now: revoked or superseded since the connection opened
            answer = service.certificateRefused(from, path, refusal);
            keepAlive = false;
        } catch (RuntimeException e) {
            log.warn("provisioning request {} from {} failed", path, from.getHostString(), e);
            answer = ProvisioningService.Response.text(500, "internal error");
        }
        HttpResponses.send(ctx, keepAlive, head, answer.status(), answer.contentType(), answer.body(), answer.headers());
        ctx.channel().eventLoop().execute(() -> ctx.channel().config().setAutoRead(true));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("provisioning connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
