package io.voxgate.provisioning;

import java.net.InetSocketAddress;
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
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.voxgate.certs.CertificateRefusal;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.certs.DeviceIdentity;

/**
 * One phone's connection: learns the phone's identity once, when the handshake (which already
 * judged the certificate) completes, and hands each request to {@link ProvisioningService} on
 * the blocking executor, never on the event loop.
 */
final class PhoneRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(PhoneRequestHandler.class);

    private final ProvisioningService service;
    private final DeviceCertificateVerifier verifier;
    private final Executor blocking;
    private DeviceIdentity device;

    PhoneRequestHandler(ProvisioningService service, DeviceCertificateVerifier verifier, Executor blocking) {
        this.service = service;
        this.verifier = verifier;
        this.blocking = blocking;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            device = identify(ctx);
            if (device == null) {
                ctx.close();
            }
        } else if (event instanceof IdleStateEvent) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    private DeviceIdentity identify(ChannelHandlerContext ctx) {
        try {
            Certificate[] peer = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            return verifier.verify(Arrays.stream(peer).map(X509Certificate.class::cast).toArray(X509Certificate[]::new));
        } catch (SSLPeerUnverifiedException | CertificateRefusal e) {
            return null; // the handshake's trust manager let it through; a changed CRL since then refuses it here
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (device == null) {
            ctx.close();
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = "HEAD".equals(request.method().name());
        if (!request.decoderResult().isSuccess()) {
            HttpResponses.send(ctx, false, head, 400, "text/plain; charset=utf-8", "bad request\n".getBytes(), Map.of());
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            HttpResponses.send(ctx, false, head, 400, "text/plain; charset=utf-8", "bad request\n".getBytes(), Map.of());
            return;
        }
        var call = new ProvisioningService.Request(request.method().name(), path, (InetSocketAddress) ctx.channel().remoteAddress(),
                device);
        try {
            blocking.execute(() -> {
                ProvisioningService.Response answer;
                try {
                    answer = service.serve(call);
                } catch (RuntimeException e) {
                    log.warn("provisioning request {} from {} failed", path, call.peer().getHostString(), e);
                    answer = ProvisioningService.Response.text(500, "internal error");
                }
                HttpResponses.send(ctx, keepAlive, head, answer.status(), answer.contentType(), answer.body(), answer.headers());
            });
        } catch (RejectedExecutionException busy) {
            HttpResponses.send(ctx, false, head, 503, "text/plain; charset=utf-8", "busy\n".getBytes(), Map.of("Retry-After", "5"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("provisioning connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
