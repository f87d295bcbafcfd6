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
    private RunningSipSwitch sip;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        sip = new RunningSipSwitch();
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

    public LocationService location() {
        return sip.location;
    }

    public ConfigDatabase database() {
        return sip.database;
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
