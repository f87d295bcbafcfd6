package io.voxgate.provisioning;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import io.voxgate.certs.Credential;
import io.voxgate.certs.TlsPolicy;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.provisioning.enrolment.EnrolmentHandler;
import io.voxgate.provisioning.enrolment.EnrolmentService;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.provisioning.tls.PhoneTrustManager;

/**
 * The provisioning listener (HTTPS, 8444 by default): mutual TLS only, so a client without a
 * certificate the switch trusts fails the handshake and never sends a request. Small requests,
 * short idle time: phones fetch a file or two and go.
 */
public final class ProvisioningServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningServer.class);
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int IDLE_SECONDS = 30;
    private static final int HANDSHAKE_SECONDS = 10;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService blocking;
    private final Channel channel;
    private AutoCloseable alsoClose;

    private ProvisioningServer(EventLoopGroup boss, EventLoopGroup workers, ExecutorService blocking, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.blocking = blocking;
        this.channel = channel;
    }

    public static ProvisioningServer start(InetSocketAddress address, Credential serverCredential, DeviceCertificateVerifier verifier,
                                           ProvisioningService service, AuditLog audit,
                                           MeterRegistry metrics) throws SSLException, InterruptedException {
        ExecutorService blocking = boundedExecutor("voxgate-provisioning");
        HandshakeAudit refusals = new HandshakeAudit(audit, metrics);
        PhoneTrustManager trust = new PhoneTrustManager(verifier, refusals);
        SslContext tls = SslContextBuilder.forServer(serverCredential.privateKey(), serverCredential.presentedChain())
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.AEAD_CIPHER_SUITES)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(trust)
                .build();
        ProvisioningServer server = bind(address, tls, () -> new PhoneRequestHandler(service, verifier, blocking), blocking,
                "provisioning (mutual TLS)");
        server.alsoClose = refusals;
        return server;
    }

    /**
     * The enrolment listener: server TLS only (an enrolling client has no certificate yet), one
     * resource, {@code POST /enrol}.
     */
    public static ProvisioningServer startEnrolment(InetSocketAddress address, Credential serverCredential, EnrolmentService service)
            throws SSLException, InterruptedException {
        ExecutorService blocking = boundedExecutor("voxgate-enrolment");
        SslContext tls = SslContextBuilder.forServer(serverCredential.privateKey(), serverCredential.presentedChain())
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols(TlsPolicy.PROTOCOLS)
                .ciphers(TlsPolicy.AEAD_CIPHER_SUITES)
                .clientAuth(ClientAuth.NONE)
                .build();
        return bind(address, tls, () -> new EnrolmentHandler(service, blocking), blocking, "enrolment (activation codes)");
    }

    /** Shared by both listeners: the same limits, another handler and TLS policy. */
    static ProvisioningServer bind(InetSocketAddress address, SslContext tls, java.util.function.Supplier<ChannelHandler> handler,
                                   ExecutorService blocking, String what) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // the engine knows the peer, so the trust manager can say who was refused
                            SslHandler ssl = tls.newHandler(ch.alloc(), ch.remoteAddress().getAddress().getHostAddress(), ch.remoteAddress().getPort(),
                                    blocking); // the trust decision (PKIX, the CRL) runs there, not on the event loop
                            ssl.setHandshakeTimeout(HANDSHAKE_SECONDS, TimeUnit.SECONDS);
                            ch.pipeline()
                                    .addLast("tls", ssl)
                                    .addLast("idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS))
                                    .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                                    .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast("handler", handler.get());
                        }
                    })
                    .bind(address).sync().channel();
            log.info("{} listening on {}", what, channel.localAddress());
            return new ProvisioningServer(boss, workers, blocking, channel);
        } catch (InterruptedException | RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            blocking.shutdownNow();
            throw e;
        }
    }

    /** JDBC and rendering run here: 8 threads, 256 waiting; beyond that a phone is told 503 and comes back. */
    static ExecutorService boundedExecutor(String name) {
        return new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                Thread.ofPlatform().name(name + "-", 0).daemon().factory());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdown();
        if (alsoClose != null) {
            try {
                alsoClose.close();
            } catch (Exception e) {
                log.debug("closing {}: {}", alsoClose, e.toString());
            }
        }
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
