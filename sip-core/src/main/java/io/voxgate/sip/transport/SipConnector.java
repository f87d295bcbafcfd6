package io.voxgate.sip.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Opens SIP-over-TLS connections from the switch to a registered Contact (RFC 3261 §18.1.1), for
 * phones that registered without RFC 5626 outbound and whose registration connection is gone (a
 * desk phone that listens on 5061, a SIP server registered as a user). One connection per remote
 * address, reused by every request to it and closed like any other flow. Connections run on the
 * TLS listener's event loops with its pipeline, so a dialled flow behaves exactly like an accepted
 * one; {@link #attach} is how the listener hands them over when it starts.
 */
public final class SipConnector {

    private static final Logger log = LoggerFactory.getLogger(SipConnector.class);
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final ConcurrentMap<InetSocketAddress, CompletableFuture<SipFlow>> byRemote = new ConcurrentHashMap<>();
    private volatile Bootstrap bootstrap;

    /** Called by the TLS listener: the event loops, the client channel type and the pipeline of a dialled flow. */
    void attach(EventLoopGroup group, Class<? extends SocketChannel> channelType, Consumer<SocketChannel> pipeline) {
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch);
                    }
                });
    }

    /**
     * The open flow to {@code remote}, connecting (TCP, then the TLS handshake) when there is none.
     * Completes exceptionally when the phone cannot be reached; never blocks.
     */
    public CompletableFuture<SipFlow> connect(InetSocketAddress remote) {
        Bootstrap dialler = bootstrap;
        if (dialler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no SIP-over-TLS listener is running"));
        }
        while (true) {
            CompletableFuture<SipFlow> existing = byRemote.get(remote);
            if (existing != null && !(existing.isDone() && (existing.isCompletedExceptionally() || !existing.join().isOpen()))) {
                return existing;
            }
            CompletableFuture<SipFlow> fresh = new CompletableFuture<>();
            boolean ours = existing == null ? byRemote.putIfAbsent(remote, fresh) == null : byRemote.replace(remote, existing, fresh);
            if (ours) {
                dial(dialler, remote, fresh);
                return fresh;
            }
        }
    }

    private void dial(Bootstrap dialler, InetSocketAddress remote, CompletableFuture<SipFlow> result) {
        ChannelFuture connecting = dialler.connect(remote);
        Channel channel = connecting.channel();
        channel.closeFuture().addListener(closed -> {
            byRemote.remove(remote, result);
            // whatever closed it (a failed handshake, the peer, a timeout): a waiting call is never left hanging
            result.completeExceptionally(new IllegalStateException("connection to " + remote + " closed"));
        });
        connecting.addListener(connected -> {
            if (!connected.isSuccess()) {
                log.info("cannot connect to the registered contact {}: {}", remote, connected.cause().toString());
                result.completeExceptionally(connected.cause());
                return;
            }
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                channel.close(); // already torn down: the close listener has answered or will
                return;
            }
            tls.handshakeFuture().addListener(handshake -> {
                SipFlow flow = channel.attr(SipConnectionHandler.FLOW).get();
                if (handshake.isSuccess() && flow != null) {
                    log.debug("connected to the registered contact {} ({})", remote, flow);
                    result.complete(flow);
                } else {
                    log.info("TLS handshake with the registered contact {} failed: {}", remote,
                            handshake.cause() == null ? "closed" : handshake.cause().toString());
                    result.completeExceptionally(handshake.cause() != null ? handshake.cause()
                            : new IllegalStateException("connection to " + remote + " closed"));
                    channel.close();
                }
            });
        });
    }

    /** Connections this switch dialled that are open or being opened. */
    public int size() {
        return byRemote.size();
    }
}
