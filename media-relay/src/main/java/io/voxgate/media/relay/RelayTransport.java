package io.voxgate.media.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The relay's UDP sockets: one event loop per core (epoll where the native transport loads, NIO
 * otherwise), and every socket of one call on the same loop, so a packet is read, transformed and
 * written by one thread without a hand-off.
 */
public final class RelayTransport implements AutoCloseable {

    /** Receive buffers: every datagram the relay accepts fits, with room for the tag it may grow by. */
    static final int RECEIVE_BUFFER = 2048;
    private static final int SOCKET_BUFFER = 512 * 1024;
    private static final long BIND_WAIT_MILLIS = 2_000;

    private final EventLoopGroup loops;
    private final boolean epoll;
    private final InetAddress bindAddress;

    public RelayTransport(InetAddress bindAddress, int threads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.loops = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("voxgate-media", true), io);
        this.bindAddress = bindAddress;
    }

    /** The loop a new call's sockets all live on. */
    public EventLoop nextLoop() {
        return loops.next();
    }

    /**
     * Binds one UDP socket on {@code loop}. Waits for the bind (a non-blocking system call the
     * loop runs at once): the SDP that names the port must not go out before the port is open.
     * Null when the port is taken by someone else.
     */
    public DatagramChannel bind(EventLoop loop, int port, ChannelHandler handler) {
        // An IPv4 bind address gets an IPv4 socket: a dual-stack one would take every datagram
        // through the kernel's IPv6 UDP path and v4-mapped addresses for nothing.
        SocketProtocolFamily family = bindAddress instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channelFactory(epoll ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family))
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(handler);
        ChannelFuture bound = bootstrap.bind(new InetSocketAddress(bindAddress, port));
        if (!bound.awaitUninterruptibly(BIND_WAIT_MILLIS)) {
            bound.channel().close(); // the loop is stuck: better a refused call than a stuck signalling thread
            return null;
        }
        return bound.isSuccess() ? (DatagramChannel) bound.channel() : null;
    }

    public boolean isEpoll() {
        return epoll;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }
}
