package io.voxgate.sip;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.sip.auth.DigestAuthenticator;
import io.voxgate.sip.auth.NonceService;
import io.voxgate.sip.location.BindingStore;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.hooks.CallPolicy;
import io.voxgate.sip.hooks.InternalCallsPolicy;
import io.voxgate.sip.hooks.MediaAnchor;
import io.voxgate.sip.hooks.PassThroughMediaAnchor;
import io.voxgate.sip.proxy.Proxy;
import io.voxgate.sip.registrar.Registrar;
import io.voxgate.sip.registrar.SipAccounts;
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

/** The SIP stack as the launcher wires it, on a random port, over a fresh real database: for tests. */
final class RunningSipSwitch implements AutoCloseable {

    static final String PASSWORD = "correct-horse-battery-staple";
    static final String KEYSTORE_PASSWORD = "test-keystore-password";

    /** A clock tests can move forward (nonce expiry, binding expiry). */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final Path pkiDir;
    final SwitchPki pki;
    final ConfigDatabase database;
    final Tenant acme;
    final Tenant globex;
    final MovableClock clock = new MovableClock();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final BindingStore bindingStore;
    final LocationService location;
    final FlowRegistry flows = new FlowRegistry("test-node");
    final SipConnector connector = new SipConnector();
    final SipTlsServer server;
    final SipTlsServer plainTcp;
    final EdgeGuard guard;
    private final ExecutorService loader = Executors.newVirtualThreadPerTaskExecutor();
    private final TransactionTimers timers;

    private final Proxy proxy;

    /** A phone maker whose root the switch trusts, as provisioning.manufacturer-cas configures. */
    static final io.voxgate.certs.testing.StandInVendorCa MANUFACTURER = standInManufacturer();

    private static io.voxgate.certs.testing.StandInVendorCa standInManufacturer() {
        try {
            return new io.voxgate.certs.testing.StandInVendorCa("Stand-in Poly Root CA");
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the stand-in manufacturer CA", e);
        }
    }

    RunningSipSwitch() throws Exception {
        this(new InternalCallsPolicy(), new PassThroughMediaAnchor());
    }

    RunningSipSwitch(CallPolicy policy, MediaAnchor media) throws Exception {
        this(policy, media, TransactionTimers.DEFAULT_T1);
    }

    /** @param t1 RFC 3261's T1: a short one makes the 64*T1 transaction timers fire within a test */
    RunningSipSwitch(CallPolicy policy, MediaAnchor media, Duration t1) throws Exception {
        timers = new TransactionTimers(t1);
        pkiDir = Files.createTempDirectory("voxgate-sip-pki-");
        pki = SwitchPki.open(pkiDir, KEYSTORE_PASSWORD.toCharArray());
        pki.init(KeyAlgorithm.EC_P256, "Voxgate test", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));

        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "pbx.acme.example");
        globex = tenants.create("globex", "Globex", "pbx.globex.example");
        UserDirectory users = new UserDirectory(database);
        users.add(acme, "1001", "Alice", null, PASSWORD);
        users.add(acme, "1002", "Bob", null, PASSWORD);
        users.add(globex, "2001", "Gina", null, PASSWORD);

        bindingStore = new BindingStore(database, flows.nodeId());
        location = new LocationService(bindingStore, clock, true);
        SipAccounts accounts = new SipAccounts(database, loader);
        DigestAuthenticator authenticator = new DigestAuthenticator(
                new NonceService("0123456789abcdef0123456789abcdef".getBytes(), clock, Duration.ofMinutes(5)));
        guard = new EdgeGuard(EdgePolicy.DEFAULT, clock, metrics);
        Registrar registrar = new Registrar(accounts, authenticator, location, Registrar.Limits.DEFAULT, clock, metrics, guard,
                new DeviceCertificateCheck(new io.voxgate.certs.DeviceCertificateVerifier(pki, java.util.List.of(MANUFACTURER.root()))));
        ClientTransactions clients = new ClientTransactions(timers, metrics);
        proxy = new Proxy(accounts, authenticator, location, flows, guard, clients, Duration.ofMinutes(3), metrics, policy, media,
                connector);
        ServerTransactions sipSwitch = new ServerTransactions(new SipSwitch(registrar, proxy, location), clients, timers, metrics);
        server = SipTlsServer.start(new InetSocketAddress("127.0.0.1", 0), pki.serverCredential(),
                sipSwitch, flows, SipStreamLimits.DEFAULT, SipTlsServer.Timeouts.DEFAULT, metrics,
                guard, pki.rootCaCertificate(), connector);
        plainTcp = SipTlsServer.startPlainTcp(new InetSocketAddress("127.0.0.1", 0), sipSwitch, flows, SipStreamLimits.DEFAULT,
                SipTlsServer.Timeouts.DEFAULT, metrics, guard);
    }

    Proxy proxy() {
        return proxy;
    }

    TestSipClient client() throws Exception {
        return new TestSipClient(server.address().getPort(), pkiDir.resolve("root-ca.pem"));
    }

    @Override
    public void close() throws Exception {
        server.close();
        plainTcp.close();
        bindingStore.close();
        database.close();
        loader.close();
        timers.close();
        try (var paths = Files.walk(pkiDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
