package io.voxgate.sip;

import java.time.Duration;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.sip.location.LocationService;

/** Public face of {@link RunningSipSwitch} for tests in other packages. */
public final class RunningSipSwitchAccess implements AutoCloseable {

    public static final String PASSWORD = RunningSipSwitch.PASSWORD;
    private final RunningSipSwitch sip;

    private RunningSipSwitchAccess(RunningSipSwitch sip) {
        this.sip = sip;
    }

    public static RunningSipSwitchAccess start() throws Exception {
        return new RunningSipSwitchAccess(new RunningSipSwitch());
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

    public void advanceClock(Duration duration) {
        sip.clock.advance(duration);
    }

    public io.voxgate.sip.security.EdgeGuard guard() {
        return sip.guard;
    }

    public void flushBindings() throws InterruptedException {
        sip.bindingStore.flush();
    }

    @Override
    public void close() throws Exception {
        sip.close();
    }
}
