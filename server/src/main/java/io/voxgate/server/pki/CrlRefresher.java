package io.voxgate.server.pki;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.certs.SwitchPki;

/**
 * Keeps the device CA's CRL current. A CRL past its nextUpdate makes strict verifiers (phones,
 * provisioning) refuse every device certificate, so it is re-signed daily, and at start when
 * less than half its validity is left.
 */
public final class CrlRefresher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CrlRefresher.class);
    private static final Duration INTERVAL = Duration.ofDays(1);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("crl-refresher").daemon(true).factory());

    public CrlRefresher(SwitchPki pki) {
        Instant halfLife = Instant.now().plus(SwitchPki.CRL_VALIDITY.dividedBy(2));
        if (pki.currentCrl().getNextUpdate().toInstant().isBefore(halfLife)) {
            pki.regenerateCrl();
        }
        scheduler.scheduleAtFixedRate(() -> {
            try {
                pki.regenerateCrl();
            } catch (RuntimeException e) {
                log.error("could not re-sign the device CA's CRL; it expires {}", pki.currentCrl().getNextUpdate(), e);
            }
        }, INTERVAL.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
