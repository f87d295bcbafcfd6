package io.voxgate.provisioning.enrolment;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.voxgate.provisioning.HttpResponses;

/** {@code POST /enrol} on the enrolment listener, answered from the blocking executor. */
public final class EnrolmentHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(EnrolmentHandler.class);
    private static final byte[] NOT_FOUND = problem(404, "Not found", "the one resource here is POST /enrol");
    private static final byte[] METHOD_NOT_ALLOWED = problem(405, "Method not allowed", "POST /enrol");
    private static final byte[] BUSY = problem(503, "Busy", "try again in a few seconds");

    private final EnrolmentService service;
    private final Executor blocking;

    public EnrolmentHandler(EnrolmentService service, Executor blocking) {
        this.service = service;
        this.blocking = blocking;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            path = "";
        }
        if (!request.decoderResult().isSuccess() || !"/enrol".equals(path)) {
            HttpResponses.send(ctx, false, false, 404, "application/problem+json", NOT_FOUND, Map.of());
            return;
        }
        if (!HttpMethod.POST.equals(request.method())) {
            HttpResponses.send(ctx, keepAlive, false, 405, "application/problem+json", METHOD_NOT_ALLOWED, Map.of("Allow", "POST"));
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        try {
            blocking.execute(() -> {
                EnrolmentService.Response answer;
                try {
                    answer = service.enrol(peer, body);
                } catch (RuntimeException e) {
                    log.warn("enrolment from {} failed", peer.getHostString(), e);
                    answer = new EnrolmentService.Response(500, "application/problem+json",
                            "{\"type\":\"about:blank\",\"title\":\"Internal error\",\"status\":500}".getBytes(StandardCharsets.UTF_8));
                }
                HttpResponses.send(ctx, keepAlive, false, answer.status(), answer.contentType(), answer.body(), Map.of());
            });
        } catch (RejectedExecutionException busy) {
            HttpResponses.send(ctx, false, false, 503, "application/problem+json", BUSY, Map.of("Retry-After", "5"));
        }
    }

    private static byte[] problem(int status, String title, String detail) {
        return ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("enrolment connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
