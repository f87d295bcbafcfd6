package io.voxgate.sip;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.security.EdgeGuard;

/**
 * A running SIP stack for a test class ({@code @RegisterExtension static}): started once before all
 * tests, stopped after them. After each test the loopback address is un-banned, so a test that
 * fails authentication on purpose does not lock the next one out.
 */
public final class RunningSipSwitchAccess implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    public static final String PASSWORD = RunningSipSwitch.PASSWORD;
    private final io.voxgate.sip.hooks.CallPolicy policy;
    private final io.voxgate.sip.hooks.MediaAnchor media;
    private final Duration t1;
    private RunningSipSwitch sip;

    public RunningSipSwitchAccess() {
        this(new io.voxgate.sip.hooks.InternalCallsPolicy(), new io.voxgate.sip.hooks.PassThroughMediaAnchor());
    }

    /** A stack with the given hooks wired in, as the launcher would wire dial plans or the relay. */
    public RunningSipSwitchAccess(io.voxgate.sip.hooks.CallPolicy policy, io.voxgate.sip.hooks.MediaAnchor media) {
        this(policy, media, io.voxgate.sip.transaction.TransactionTimers.DEFAULT_T1);
    }

    private RunningSipSwitchAccess(io.voxgate.sip.hooks.CallPolicy policy, io.voxgate.sip.hooks.MediaAnchor media, Duration t1) {
        this.policy = policy;
        this.media = media;
        this.t1 = t1;
    }

    /** A stack whose RFC 3261 T1 is {@code t1}, so that its 64*T1 transaction timers fire within a test. */
    public static RunningSipSwitchAccess withT1(Duration t1) {
        return new RunningSipSwitchAccess(new io.voxgate.sip.hooks.InternalCallsPolicy(), new io.voxgate.sip.hooks.PassThroughMediaAnchor(), t1);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        sip = new RunningSipSwitch(policy, media, t1);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        sip.guard.unban(InetAddress.getLoopbackAddress());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        sip.close();
    }

    public TestSipClient client() throws Exception {
        return sip.client();
    }

    /** A client presenting a device certificate. */
    public TestSipClient client(io.voxgate.certs.IssuedDevice device) throws Exception {
        return new TestSipClient(sip.server.address().getPort(), sip.pkiDir.resolve("root-ca.pem"), device);
    }

    /** A factory certificate of the manufacturer the switch trusts, naming {@code mac} in its CN. */
    public io.voxgate.certs.IssuedDevice factoryDevice(String mac) throws Exception {
        var factory = RunningSipSwitch.MANUFACTURER.issueValid(mac.toUpperCase());
        return new io.voxgate.certs.IssuedDevice(io.voxgate.certs.MacAddress.parse(mac),
                new io.voxgate.certs.Credential(factory.key(), java.util.List.of(factory.certificate())));
    }

    /** A phone that listens for SIP over TLS, as a desk phone does on 5061; its certificate is one the switch never saw. */
    public ListeningPhone listeningPhone() throws Exception {
        return new ListeningPhone(sip.pki.serverCredential());
    }

    public int sipTlsPort() {
        return sip.server.address().getPort();
    }

    public io.voxgate.sip.proxy.Proxy proxy() {
        return sip.proxy();
    }

    public io.voxgate.sip.transport.FlowRegistry flows() {
        return sip.flows;
    }

    public int plainTcpPort() {
        return sip.plainTcp.address().getPort();
    }

    /** The switch's root CA certificate (PEM): what a phone trusts the switch's TLS certificate by. */
    public java.nio.file.Path rootCaPem() {
        return sip.pkiDir.resolve("root-ca.pem");
    }

    /**
     * The switch's own key and certificate chain (PKCS#12, password {@link #serverKeystorePassword()}),
     * for a test phone's TLS listener as {@link #listeningPhone()} uses it: the switch dials phones
     * without checking their certificate.
     */
    public java.nio.file.Path serverKeystore() {
        return sip.pkiDir.resolve("server.p12");
    }

    public String serverKeystorePassword() {
        return RunningSipSwitch.KEYSTORE_PASSWORD;
    }

    public io.voxgate.certs.SwitchPki pki() {
        return sip.pki;
    }

    public LocationService location() {
        return sip.location;
    }

    public ConfigDatabase database() {
        return sip.database;
    }

    public io.micrometer.core.instrument.MeterRegistry metrics() {
        return sip.metrics;
    }

    public EdgeGuard guard() {
        return sip.guard;
    }

    public void advanceClock(Duration duration) {
        sip.clock.advance(duration);
    }

    public void flushBindings() throws InterruptedException {
        sip.bindingStore.flush();
    }
}
