package io.voxgate.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.feed.ChangeFeed;
import io.voxgate.server.database.ConfigStore;
import io.voxgate.server.http.AdminHttpsServer;
import io.voxgate.server.http.HealthCheck;
import io.voxgate.server.http.SwitchHealth;
import io.voxgate.server.pki.CrlRefresher;
import io.voxgate.server.pki.ManufacturerCas;
import io.voxgate.server.pki.PkiRuntime;
import io.voxgate.server.settings.VoxgateSettings;
import io.voxgate.server.storage.EmbeddedObjectStore;
import io.voxgate.server.storage.ObjectStore;
import io.voxgate.sip.security.EdgePolicy;
import io.voxgate.sip.transport.SipTlsServer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A running switch: everything {@code voxgate run} starts, in order, and stops in reverse order
 * on {@link #close()} (SIGTERM), so no listener or embedded server outlives the process.
 */
public final class SwitchRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SwitchRuntime.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final VoxgateSettings settings;
    private SwitchPki pki;
    private ConfigStore configStore;
    private ObjectStore objectStore;
    private AdminHttpsServer admin;
    private SipTlsServer sipListener;
    private volatile SipStack sip;
    private ProvisioningStack provisioning;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static final Duration STARTUP_WAIT_ON_STOP = Duration.ofMinutes(2);
    private final CountDownLatch startupFinished = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Thread startingThread;

    public SwitchRuntime(VoxgateSettings settings) {
        this.settings = settings;
    }

    /** Starts a switch; on failure everything it had started is stopped again before the exception leaves. */
    public static SwitchRuntime start(VoxgateSettings settings, Map<String, String> env, PrintStream console)
            throws Exception {
        SwitchRuntime runtime = new SwitchRuntime(settings);
        runtime.start(env, console);
        return runtime;
    }

    /**
     * Starts every component in order. {@link #close()} may be called from another thread at any
     * time (SIGTERM during start): the start then stops at the next component and close() stops
     * what was started, so a signal during a slow first start leaves nothing running either.
     */
    public void start(Map<String, String> env, PrintStream console) throws Exception {
        startingThread = Thread.currentThread();
        try {
            startAll(env, console);
        } catch (Exception | Error e) {
            startupFinished.countDown();
            close();
            throw e;
        } finally {
            startupFinished.countDown();
        }
    }

    /** RFC 3326 Reason of the BYEs for a call whose media stopped: Q.850 102, recovery on timer expiry. */
    private static final String MEDIA_TIMEOUT_REASON = "Q.850;cause=102;text=\"media timeout\"";

    private synchronized <T extends AutoCloseable> T register(T component) {
        started.push(component);
        if (stopping) {
            throw new IllegalStateException("start interrupted: Voxgate is stopping");
        }
        return component;
    }

    private void startAll(Map<String, String> env, PrintStream console) throws Exception {
        prepareDataDir();
        pki = PkiRuntime.openOrInit(settings, env);
        register(new CrlRefresher(pki));

        configStore = ConfigStore.openOwned(settings, env);
        register(configStore);
        if (settings.demo().createTenant()) {
            new DemoTenant(configStore.database()).createIfDatabaseIsEmpty(settings, console);
        }
        ChangeFeed feed = new ChangeFeed(configStore.database().connectionSettings());
        MediaRelayStack media = register(new MediaRelayStack(settings.media(), metrics));
        VoxgateSettings.SipSecurity security = settings.sip().security();
        // one judge of phones' certificates for SIP and provisioning: the device CA and the manufacturers' roots
        DeviceCertificateVerifier deviceCertificates = new DeviceCertificateVerifier(pki, ManufacturerCas.load(settings));
        sip = register(new SipStack(configStore.database(), pki, deviceCertificates, new EdgePolicy(security.authFailuresPerSource(),
                security.authFailuresPerUser(), Duration.ofSeconds(security.failureWindowSeconds()),
                Duration.ofSeconds(security.banSeconds()), security.requestsPerSecondPerSource()), settings.sip().connectToContacts(),
                settings.sip().digestAlgorithms(), new RelayMediaAnchor(media.relay()), metrics));
        feed.subscribe(sip::onConfigChange);
        media.relay().onInactive(callId -> sip.endCall(callId, MEDIA_TIMEOUT_REASON));
        // The caches of later modules subscribe here; the counter makes the feed observable meanwhile.
        feed.subscribe(change -> {
            log.debug("configuration change {}", change);
            metrics.counter("voxgate.config.changes", "table", change.isResync() ? "RESYNC" : change.table()).increment();
        });
        feed.start();
        register(feed);

        objectStore = ObjectStore.open(settings, env);
        register(objectStore);

        sip.warmUp(Duration.ofSeconds(settings.sip().warmUpSeconds()));
        // registered after the stack, so on shutdown the listener closes before the binding writer
        InetSocketAddress sipAddress = new InetSocketAddress(InetAddress.ofLiteral(settings.sip().listenAddress()), settings.sip().tlsPort());
        sipListener = register(listening("sip.tls-port", sipAddress, () -> sip.listen(sipAddress, pki.serverCredential())));
        if (settings.sip().tcpPort() > 0) {
            InetSocketAddress tcpAddress = new InetSocketAddress(sipAddress.getAddress(), settings.sip().tcpPort());
            register(listening("sip.tcp-port", tcpAddress, () -> sip.listenPlainTcp(tcpAddress)));
        }

        if (settings.provisioning().enabled()) {
            InetSocketAddress provisioningAddress = new InetSocketAddress(InetAddress.ofLiteral(settings.provisioning().listenAddress()),
                    settings.provisioning().httpsPort());
            provisioning = register(listening("provisioning.https-port", provisioningAddress,
                    () -> ProvisioningStack.start(settings, pki, deviceCertificates, configStore.database(),
                            sipListener.address().getPort(), metrics)));
        }

        bindJvmMetrics();
        SwitchHealth health = new SwitchHealth(List.of(
                HealthCheck.of("database", this::databaseProblem),
                HealthCheck.of("object-store", objectStore::problem)));
        char[] keystorePassword = PkiRuntime.keystorePassword(settings, env);
        admin = listening("admin.https-port", new InetSocketAddress(settings.admin().listenAddress(), settings.admin().httpsPort()),
                () -> AdminHttpsServer.start(settings.admin().listenAddress(), settings.admin().httpsPort(),
                        PkiRuntime.serverKeystore(settings), keystorePassword, health, metrics,
                        AdminApiServices.all(settings, configStore.database(), pki, feed)));
        register(admin);

        log.info("admin HTTPS listening on https://{}:{} (/health, /metrics)", settings.admin().listenAddress(), admin.port());
        log.info("root CA {} SHA-256 fingerprint {}", settings.pkiDir().resolve("root-ca.pem"), pki.rootCaFingerprint());
        log.info("Voxgate started");
    }

    private interface Listener<T> {
        T start() throws Exception;
    }

    /** Starts a listener; a port that is taken or not ours to bind becomes an error naming the setting. */
    private <T> T listening(String key, InetSocketAddress address, Listener<T> listener) throws Exception {
        try {
            return listener.start();
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                String message = String.valueOf(cause.getMessage());
                if (cause instanceof java.net.BindException || message.contains("Address already in use")
                        || message.contains("Permission denied")) {
                    throw settings.error(key, "cannot listen on " + address.getHostString() + ":" + address.getPort()
                            + " (" + message.replaceFirst("^.*?(Address already in use|Permission denied).*$", "$1")
                            + "): is another process using it?");
                }
            }
            throw e;
        }
    }

    /** data-dir must be reachable (o+x) by the embedded PostgreSQL's account, but not listable. */
    private void prepareDataDir() throws IOException {
        Files.createDirectories(settings.dataDir());
        Files.setPosixFilePermissions(settings.dataDir(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.createDirectories(settings.secretsDir());
        Files.setPosixFilePermissions(settings.secretsDir(), PosixFilePermissions.fromString("rwx------"));
    }

    private Optional<String> databaseProblem() {
        try {
            configStore.database().inControl(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                    return ps.execute();
                }
            });
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("unreachable");
        }
    }

    private void bindJvmMetrics() {
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(metrics);
        register(gc);
    }

    public int sipTlsPort() {
        return sipListener.address().getPort();
    }

    /** The enrolment listener's port; -1 when it is off. */
    public int enrolmentPort() {
        return provisioning == null || provisioning.enrolmentAddress() == null ? -1 : provisioning.enrolmentAddress().getPort();
    }

    /** The provisioning listener's port; -1 when provisioning.enabled is false. */
    public int provisioningPort() {
        return provisioning == null ? -1 : provisioning.address().getPort();
    }

    public int adminPort() {
        return admin.port();
    }

    /** Where the registered phones are, for tests in this package that watch a binding go. */
    io.voxgate.sip.location.LocationService location() {
        return sip.location();
    }

    public SwitchPki pki() {
        return pki;
    }

    public ConfigStore configStore() {
        return configStore;
    }

    public S3Client objectStoreClient() {
        return objectStore.client();
    }

    public ObjectStore objectStore() {
        return objectStore;
    }

    @Override
    public void close() {
        stopping = true;
        if (Thread.currentThread() != startingThread) {
            awaitStartupFinished();
        }
        stopAll();
    }

    private void awaitStartupFinished() {
        try {
            if (!startupFinished.await(STARTUP_WAIT_ON_STOP.toSeconds(), TimeUnit.SECONDS)) {
                log.warn("start still running after {}; stopping what has started", STARTUP_WAIT_ON_STOP);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void stopAll() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                log.error("stopping {} failed", component.getClass().getSimpleName(), e);
            }
        }
        metrics.close();
    }

    /** The meters /metrics shows, for tests in this package. */
    io.micrometer.core.instrument.MeterRegistry meters() {
        return metrics;
    }

    /** Embedded services this runtime started, for tests that check nothing is left running. */
    Optional<EmbeddedObjectStore> embeddedObjectStore() {
        return objectStore == null ? Optional.empty() : objectStore.embedded();
    }
}
