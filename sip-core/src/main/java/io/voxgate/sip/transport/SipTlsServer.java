package io.voxgate.sip.transport;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.voxgate.certs.Credential;
import io.voxgate.certs.TlsPolicy;
import io.voxgate.sip.message.SipMessageParser;
import io.voxgate.sip.security.AnyClientCertificate;
import io.voxgate.sip.security.EdgeGuard;

/**
 * The SIP-over-TLS listener (RFC 3261 §26.2, port 5061): TLS 1.3/1.2 with AEAD suites only,
 * BoringSSL through netty-tcnative when it loads (about 3x less CPU per handshake than the JDK's
 * provider on this hardware) and the JDK provider otherwise; epoll when available.
 */
public final class SipTlsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipTlsServer.class);

    /** Timeouts of a connection: a TLS handshake, and a connection silent for longer than a phone's keepalive cycle. */
    public record Timeouts(Duration handshake, Duration idle) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(15));
    }

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final SslProvider provider;

    private final String io;

    private SipTlsServer(EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, SslProvider provider, String io) {
        this.io = io;
        this.bossGroup = boss;
        this.workerGroup = workers;
        this.serverChannel = serverChannel;
        this.provider = provider;
    }

    /**
     * Starts the listener; {@code connector} (when not null) dials registered contacts on its event
     * loops, presenting the switch's server certificate.
     */
    public static SipTlsServer start(InetSocketAddress address, Credential serverCredential, SipRequestHandler handler,
                                     FlowRegistry flows, SipStreamLimits limits, Timeouts timeouts, MeterRegistry metrics,
                                     EdgeGuard guard, X509Certificate deviceCertificateIssuer, SipConnector connector)
            throws SSLException, InterruptedException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext ssl = SslContextBuilder.forServer(serverCredential.privateKey(), serverCredential.presentedChain())
                .sslProvider(provider)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.AEAD_CIPHER_SUITES)
                // phones may present a device certificate; the registrar judges it under the tenant's policy
                .clientAuth(ClientAuth.OPTIONAL)
                .trustManager(new AnyClientCertificate(deviceCertificateIssuer))
                .build();
        SslContext client = connector == null ? null : SslContextBuilder.forClient()
                .sslProvider(provider)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.AEAD_CIPHER_SUITES)
                .keyManager(serverCredential.privateKey(), serverCredential.presentedChain())
                // A phone's server certificate is a factory or self-signed one that names no address we
                // could check it against; the request carries nothing the registered user could not
                // already receive, and the phone can verify us. See docs/security.md.
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();
        SipTlsServer server = bind(address, ch -> {
            SslHandler tls = ssl.newHandler(ch.alloc());
            tls.setHandshakeTimeout(timeouts.handshake().toMillis(), TimeUnit.MILLISECONDS);
            return tls;
        }, "TLS", handler, flows, limits, timeouts, metrics, guard, provider, client == null ? null : ch -> {
            SslHandler tls = client.newHandler(ch.alloc());
            tls.setHandshakeTimeout(timeouts.handshake().toMillis(), TimeUnit.MILLISECONDS);
            return tls;
        }, connector);
        log.info("SIP over TLS listening on {} ({} TLS provider, {})", server.address(), provider, server.io);
        return server;
    }

    /**
     * SIP over plain TCP (RFC 3261 §18): the same stream handling without TLS. Off unless
     * {@code sip.tcp-port} is set: for a trusted network segment (an SBC or a lab), never the internet.
     */
    public static SipTlsServer startPlainTcp(InetSocketAddress address, SipRequestHandler handler, FlowRegistry flows,
                                             SipStreamLimits limits, Timeouts timeouts, MeterRegistry metrics, EdgeGuard guard)
            throws InterruptedException {
        SipTlsServer server = bind(address, ch -> null, "TCP", handler, flows, limits, timeouts, metrics, guard, null, null, null);
        log.warn("SIP over plain TCP listening on {} ({}): signalling and digest exchanges are not encrypted there",
                server.address(), server.io);
        return server;
    }

    private static SipTlsServer bind(InetSocketAddress address, java.util.function.Function<SocketChannel, SslHandler> tlsFor,
                                     String transport, SipRequestHandler handler, FlowRegistry flows, SipStreamLimits limits,
                                     Timeouts timeouts, MeterRegistry metrics, EdgeGuard guard, SslProvider provider,
                                     java.util.function.Function<SocketChannel, SslHandler> clientTlsFor, SipConnector connector)
            throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        // One event loop per core (Netty's default is two): every request is handled on its loop without
        // blocking, so more loops than cores only adds context switches (measured in docs/performance.md).
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        SipMessageParser parser = new SipMessageParser();
        ResponseCounters responses = new ResponseCounters(metrics);
        metrics.gauge("voxgate.sip.connections", flows, FlowRegistry::size);
        // A connection the switch dialled (advertised != null) hears nothing while its call lasts (the
        // phone sends no keepalives to us): it has no idle limit and ends when the phone closes it or
        // TCP keepalive finds it dead, so the caller's BYE still has a way to the callee.
        java.util.function.BiConsumer<SocketChannel, InetSocketAddress> sipHandlers = (ch, advertised) -> ch.pipeline()
                .addLast("idle", new IdleStateHandler(advertised == null ? timeouts.idle().toSeconds() : 0, 0, 0, TimeUnit.SECONDS))
                .addLast("framer", new SipFrameDecoder(limits))
                .addLast("sip", new SipConnectionHandler(parser, handler, flows, transport, metrics, guard, responses, advertised));
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            SslHandler tls = tlsFor.apply(ch);
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls);
                            }
                            sipHandlers.accept(ch, null);
                        }
                    })
                    .bind(address).sync().channel();
            if (connector != null) {
                InetSocketAddress listening = (InetSocketAddress) channel.localAddress();
                connector.attach(workers, epoll ? EpollSocketChannel.class : NioSocketChannel.class, ch -> {
                    ch.pipeline().addLast("tls", clientTlsFor.apply(ch));
                    sipHandlers.accept(ch, listening); // Via and Record-Route name the listener, where requests come back
                });
            }
            return new SipTlsServer(boss, workers, channel, provider, epoll ? "epoll" : "nio");
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public SslProvider tlsProvider() {
        return provider;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
