package io.voxgate.sip.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EdgeGuardTest {

    private static final InetAddress ATTACKER = InetAddress.ofLiteral("192.0.2.66");
    private static final InetAddress PHONE = InetAddress.ofLiteral("192.0.2.10");

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final EdgeGuard guard = new EdgeGuard(new EdgePolicy(3, 5, Duration.ofMinutes(1), Duration.ofMinutes(10), 10), clock, metrics);

    @Test
    void sourceIsBannedAfterRepeatedFailuresAndOnlyThatSource() {
        for (int i = 0; i < 3; i++) {
            guard.authenticationFailed(ATTACKER, "100" + i + "@pbx.example");
        }

        assertThat(guard.isBanned(ATTACKER)).isTrue();
        assertThat(guard.refuse(ATTACKER, "Yealink")).contains("banned");
        assertThat(guard.isBanned(PHONE)).isFalse();
        assertThat(metrics.counter("voxgate.sip.bans").count()).isEqualTo(1);
    }

    @Test
    void banEndsAfterItsDuration() {
        for (int i = 0; i < 3; i++) {
            guard.authenticationFailed(ATTACKER, "1001@pbx.example");
        }

        clock.advance(Duration.ofMinutes(11));

        assertThat(guard.isBanned(ATTACKER)).isFalse();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        guard.authenticationFailed(ATTACKER, "1001@pbx.example");
        guard.authenticationFailed(ATTACKER, "1001@pbx.example");
        clock.advance(Duration.ofMinutes(2));
        guard.authenticationFailed(ATTACKER, "1001@pbx.example");

        assertThat(guard.isBanned(ATTACKER)).isFalse();
    }

    @Test
    void manySourcesGuessingOneUsersPasswordGetTheNextOneBanned() {
        for (int i = 1; i <= 5; i++) {
            guard.authenticationFailed(InetAddress.ofLiteral("198.51.100." + i), "1001@pbx.example");
        }

        assertThat(guard.isBanned(InetAddress.ofLiteral("198.51.100.5"))).isTrue();
        assertThat(guard.isBanned(InetAddress.ofLiteral("198.51.100.1"))).isFalse();
    }

    @Test
    void scannerUserAgentIsDroppedAndBanned() {
        assertThat(guard.refuse(ATTACKER, "friendly-scanner")).contains("scanner");
        assertThat(guard.isBanned(ATTACKER)).isTrue();
        assertThat(guard.refuse(PHONE, "Yealink SIP-T54W 96.86.0.100")).isEmpty();
    }

    @Test
    void requestsBeyondTheRateAreDroppedAndASustainedFloodIsBanned() {
        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            if (guard.refuse(ATTACKER, null).isEmpty()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(20); // the burst allowance: twice the per-second rate

        for (int i = 0; i < 60; i++) {
            guard.refuse(ATTACKER, null);
        }
        assertThat(guard.isBanned(ATTACKER)).isTrue();
    }

    @Test
    void aPhoneWithinItsRateIsNeverDropped() {
        for (int second = 0; second < 30; second++) {
            for (int i = 0; i < 10; i++) {
                assertThat(guard.refuse(PHONE, "Poly")).isEmpty();
            }
            clock.advance(Duration.ofSeconds(1));
        }
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
