package io.voxgate.media.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.media.srtp.SrtpOutcome;

/**
 * The relay's meters, created once and shared by every leg, so counting a packet is an add to a
 * striped counter and never a registry lookup.
 */
final class RelayMetrics {

    /** Why a packet was not forwarded. */
    enum Drop {
        AUTH_FAILED, REPLAYED, INVALID, NOT_KEYED, UNEXPECTED_SOURCE, NO_DESTINATION
    }

    final Counter packetsIn;
    final Counter packetsOut;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter latches;
    final Counter relatches;
    final Counter inactivityTimeouts;
    final DistributionSummary fractionLost;
    private final Counter[] drops = new Counter[Drop.values().length];

    RelayMetrics(MeterRegistry registry) {
        packetsIn = Counter.builder("voxgate.media.packets").tag("direction", "in").description("RTP and RTCP packets received from phones").register(registry);
        packetsOut = Counter.builder("voxgate.media.packets").tag("direction", "out").description("RTP and RTCP packets sent to phones").register(registry);
        bytesIn = Counter.builder("voxgate.media.bytes").tag("direction", "in").baseUnit("bytes").register(registry);
        bytesOut = Counter.builder("voxgate.media.bytes").tag("direction", "out").baseUnit("bytes").register(registry);
        latches = Counter.builder("voxgate.media.latches").tag("kind", "first").description("a leg's address learnt from its first authenticated packet").register(registry);
        relatches = Counter.builder("voxgate.media.latches").tag("kind", "moved").description("a phone's authenticated packets came from a new address").register(registry);
        inactivityTimeouts = Counter.builder("voxgate.media.inactivity.timeouts").description("established calls ended for want of media").register(registry);
        fractionLost = DistributionSummary.builder("voxgate.media.rtcp.fraction.lost")
                .description("loss a phone reports in its RTCP reception reports (0 to 1)").register(registry);
        for (Drop reason : Drop.values()) {
            drops[reason.ordinal()] = Counter.builder("voxgate.media.dropped").tag("reason", reason.name().toLowerCase().replace('_', '-'))
                    .description("packets not forwarded").register(registry);
        }
    }

    void dropped(Drop reason) {
        drops[reason.ordinal()].increment();
    }

    void dropped(SrtpOutcome outcome) {
        dropped(switch (outcome) {
            case AUTH_FAILED -> Drop.AUTH_FAILED;
            case REPLAYED -> Drop.REPLAYED;
            case INVALID, OK -> Drop.INVALID;
        });
    }
}
