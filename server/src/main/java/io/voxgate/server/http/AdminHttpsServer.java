package io.voxgate.server.http;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.voxgate.certs.TlsPolicy;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

/**
 * The admin HTTPS listener (Micronaut on Netty): /health, /metrics and the admin API under /api/v1.
 * TLS 1.2/1.3 with AEAD suites only, using the switch's server certificate.
 */
public final class AdminHttpsServer implements AutoCloseable {

    private final ApplicationContext context;
    private final EmbeddedServer server;

    private AdminHttpsServer(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    public static AdminHttpsServer start(String listenAddress, int port, Path keystore, char[] keystorePassword,
                                         SwitchHealth health, PrometheusMeterRegistry registry, Object... services) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.application.name", "voxgate");
        properties.put("micronaut.banner.enabled", false);
        properties.put("micronaut.server.host", listenAddress);
        properties.put("micronaut.server.dual-protocol", false);
        properties.put("micronaut.ssl.enabled", true);
        properties.put("micronaut.server.ssl.enabled", true);
        properties.put("micronaut.server.ssl.port", port == 0 ? -1 : port);
        properties.put("micronaut.server.ssl.key-store.path", "file:" + keystore.toAbsolutePath());
        properties.put("micronaut.server.ssl.key-store.type", "PKCS12");
        properties.put("micronaut.server.ssl.key-store.password", new String(keystorePassword));
        properties.put("micronaut.server.ssl.protocols", TlsPolicy.PROTOCOLS);
        properties.put("micronaut.server.ssl.ciphers", TlsPolicy.AEAD_CIPHER_SUITES);
        properties.put("micronaut.server.max-request-size", 1024 * 1024);
        ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(properties)
                .singletons(health, registry)
                .singletons(services) // the admin API's services (AdminLogin, its settings), built by the launcher
                .start();
        try {
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            return new AdminHttpsServer(context, server);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getHost(), server.getPort());
    }

    @Override
    public void close() {
        server.stop();
        context.close();
    }
}
