package io.voxgate.server;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.certs.Credential;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.feed.ConfigChange;
import io.voxgate.sip.SipSwitch;
import io.voxgate.sip.auth.DigestAuthenticator;
import io.voxgate.sip.auth.NonceService;
import io.voxgate.sip.location.BindingStore;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.hooks.InternalCallsPolicy;
import io.voxgate.sip.proxy.Proxy;
import io.voxgate.sip.registrar.RegistrationReaper;
import io.voxgate.sip.registrar.DeviceOwnership;
import io.voxgate.sip.registrar.Registrar;
import io.voxgate.sip.registrar.SipAccounts;
import io.voxgate.certs.SwitchPki;
import io.voxgate.sip.security.DeviceCertificateCheck;
import io.voxgate.sip.security.EdgeGuard;
import io.voxgate.sip.security.EdgePolicy;
import io.voxgate.sip.transaction.ClientTransactions;
import io.voxgate.sip.transaction.ServerTransactions;
import io.voxgate.sip.transaction.TransactionTimers;
import io.voxgate.sip.transport.FlowRegistry;
import io.voxgate.sip.transport.SipConnector;
import io.voxgate.sip.transport.SipStreamLimits;
import io.voxgate.sip.transport.SipTlsServer;

/** Wires sip-core's layers (transport, registrar, location, accounts) the way the switch runs them. */
final class SipStack implements AutoCloseable {

    private static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    /** RFC 3261 §16.6 step 11: more than 3 minutes. */
    private static final Duration TIMER_C = Duration.ofMinutes(3).plusSeconds(1);
    private final TransactionTimers timers = new TransactionTimers(TransactionTimers.DEFAULT_T1);

    // Bounded below the connection pool: a burst of cache misses queues here instead of timing
    // out waiting for a connection.
    private final ExecutorService accountLoader = Executors.newFixedThreadPool(4,
            Thread.ofPlatform().name("sip-account-loader-", 0).daemon(true).factory());
    private final SipAccounts accounts;
    private final BindingStore bindings;
    private final LocationService location;
    private final FlowRegistry flows;
    private final ServerTransactions transactions;
    private final MeterRegistry metrics;
    private final EdgeGuard guard;
    private final java.security.cert.X509Certificate rootCa;

    private final SipConnector connector;
    private final java.util.List<io.voxgate.sip.auth.DigestAlgorithm> algorithms;
    private final Proxy proxy;
    private final RegistrationReaper reaper;

    SipStack(ConfigDatabase database, SwitchPki pki, io.voxgate.certs.DeviceCertificateVerifier deviceCertificates,
             EdgePolicy edgePolicy, boolean connectToContacts,
             java.util.List<String> digestAlgorithms, io.voxgate.sip.hooks.MediaAnchor media, MeterRegistry metrics) {
        this.connector = connectToContacts ? new SipConnector() : null;
        this.rootCa = pki.rootCaCertificate();
        this.metrics = metrics;
        String nodeId = nodeId();
        this.flows = new FlowRegistry(nodeId);
        this.accounts = new SipAccounts(database, accountLoader);
        int preloaded = accounts.preload(new io.voxgate.config.user.UserDirectory(database));
        org.slf4j.LoggerFactory.getLogger(SipStack.class).info("SIP accounts cached: {} credentials", preloaded);
        this.bindings = new BindingStore(database, nodeId);
        this.location = new LocationService(bindings, Clock.systemUTC(), connectToContacts);
        metrics.gauge("voxgate.sip.bindings.write.backlog", bindings, BindingStore::backlog);
        this.guard = new EdgeGuard(edgePolicy, Clock.systemUTC(), metrics);
        this.algorithms = digestAlgorithms.stream().map(token -> io.voxgate.sip.auth.DigestAlgorithm.fromToken(token).orElseThrow()).toList();
        DigestAuthenticator authenticator = new DigestAuthenticator(NonceService.withRandomKey(NONCE_LIFETIME), algorithms);
        DeviceCertificateCheck certificateCheck = new DeviceCertificateCheck(deviceCertificates);
        Registrar registrar = new Registrar(accounts, authenticator, location, Registrar.Limits.DEFAULT, Clock.systemUTC(), metrics, guard,
                certificateCheck);
        this.reaper = new RegistrationReaper(flows, location, accounts, new DeviceOwnership(accounts, certificateCheck));
        // Dial plans and fraud limits plug in here as they land.
        ClientTransactions clients = new ClientTransactions(timers, metrics);
        this.proxy = new Proxy(accounts, authenticator, location, flows, guard, clients, TIMER_C, metrics,
                new InternalCallsPolicy(), media, connector);
        this.transactions = new ServerTransactions(new SipSwitch(registrar, proxy, location), clients, timers, metrics);
    }

    /** Warms the per-message code on made-up registrations, one thread per event loop, before the listener opens. */
    void warmUp(Duration budget) throws InterruptedException {
        if (!budget.isZero()) {
            new io.voxgate.sip.HotPathWarmUp(algorithms).run(budget, Runtime.getRuntime().availableProcessors());
        }
    }

    SipTlsServer listen(InetSocketAddress address, Credential serverCredential) throws SSLException, InterruptedException {
        return SipTlsServer.start(address, serverCredential, transactions, flows, SipStreamLimits.DEFAULT,
                SipTlsServer.Timeouts.DEFAULT, metrics, guard, rootCa, connector);
    }

    SipTlsServer listenPlainTcp(InetSocketAddress address) throws InterruptedException {
        return SipTlsServer.startPlainTcp(address, transactions, flows, SipStreamLimits.DEFAULT, SipTlsServer.Timeouts.DEFAULT,
                metrics, guard);
    }

    void onConfigChange(ConfigChange change) {
        accounts.onConfigChange(change);
        reaper.onConfigChange(change); // after the caches forgot what the change made wrong
    }

    /** Ends a confirmed call with a BYE to each side (the relay found its media stopped); false if it is not up. */
    boolean endCall(String callId, String reason) {
        return proxy.endCall(callId, reason);
    }

    LocationService location() {
        return location;
    }

    /** Names this process in stored bindings: a flow id means something only on the node that holds the connection. */
    private static String nodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    @Override
    public void close() {
        reaper.close();
        timers.close();
        bindings.close();
        accountLoader.close();
    }
}
