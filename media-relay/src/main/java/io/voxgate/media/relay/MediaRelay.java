package io.voxgate.media.relay;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.voxgate.media.sdp.SdpException;
import io.voxgate.media.srtp.SrtpEngine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRTP relay: one {@link MediaSession} per call, its legs' sockets on one event loop, port
 * pairs from the configured range. Implements the control boundary {@link RelayControl}; a sweep
 * every few seconds ends established calls whose media stopped ({@code inactivityTimeout}), through
 * {@code onInactive} (signalling sends the BYEs).
 */
public final class MediaRelay implements RelayControl, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaRelay.class);
    private static final long LONGEST_SWEEP_MILLIS = 5_000;
    /** Longer than Timer C (3 min) and its CANCEL: a session never confirmed by then was abandoned. */
    private static final Duration SETUP_LIMIT = Duration.ofMinutes(5);
    /** A call on hold and silent this long has no phone left at either end. */
    private static final Duration HOLD_LIMIT = Duration.ofHours(2);

    private final RelayTransport transport;
    private final PortPool ports;
    private final String advertisedAddress;
    private final RelayMetrics metrics;
    private final MediaTap tap;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, MediaSession> sessions = new ConcurrentHashMap<>();
    private final long inactivityNanos;
    private volatile Consumer<String> onInactive = callId -> { };
    /**
     * The sweep runs on a thread of its own, never on a media loop: it takes each session's lock,
     * which an offer holds while it waits for a bind on that session's loop.
     */
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("voxgate-media-sweep").daemon(true).factory());
    private final ScheduledFuture<?> sweep;

    public MediaRelay(RelayTransport transport, PortPool ports, String advertisedAddress, Duration inactivityTimeout,
                      MediaTap tap, MeterRegistry registry) {
        SrtpEngine.start();
        this.transport = transport;
        this.ports = ports;
        this.advertisedAddress = advertisedAddress;
        this.tap = tap;
        this.metrics = new RelayMetrics(registry);
        this.inactivityNanos = inactivityTimeout.toNanos();
        Gauge.builder("voxgate.media.sessions", sessions, ConcurrentHashMap::size).description("calls with media anchored").register(registry);
        Gauge.builder("voxgate.media.ports.free", ports, PortPool::available).description("RTP/RTCP port pairs left").register(registry);
        long sweepMillis = Math.max(100, Math.min(LONGEST_SWEEP_MILLIS, inactivityTimeout.toMillis() / 2));
        this.sweep = sweeper.scheduleAtFixedRate(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** Who ends a call whose media stopped; the proxy, wired by the launcher. */
    public void onInactive(Consumer<String> listener) {
        this.onInactive = listener;
    }

    @Override
    public RelayResult offer(RelayOffer offer) {
        MediaSession session = sessions.computeIfAbsent(offer.callId(),
                id -> new MediaSession(this, id, offer.tenant(), offer.offererTag(), transport.nextLoop()));
        try {
            RelayResult result = session.offer(offer);
            if (result instanceof RelayResult.Refused refused) {
                log.info("call {} (tenant {}): offer refused: {} {}", offer.callId(), offer.tenant(), refused.sipStatus(), refused.reason());
                forgetIfEmpty(session);
            }
            return result;
        } catch (SdpException e) {
            log.info("call {} (tenant {}): offer refused: 400 malformed SDP: {}", offer.callId(), offer.tenant(), e.getMessage());
            forgetIfEmpty(session);
            return new RelayResult.Refused(400, "malformed SDP: " + e.getMessage());
        } catch (RuntimeException e) {
            // the boundary never throws: a defect here must not leave a call ringing or a port taken
            log.warn("call {} (tenant {}): offer failed", offer.callId(), offer.tenant(), e);
            forgetIfEmpty(session);
            return new RelayResult.Refused(500, "media relay error");
        }
    }

    @Override
    public RelayResult answer(RelayAnswer answer) {
        MediaSession session = sessions.get(answer.callId());
        if (session == null) {
            return new RelayResult.Refused(500, "no media session for this call");
        }
        try {
            return session.answer(answer);
        } catch (SdpException e) {
            return new RelayResult.Refused(400, "malformed SDP: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("call {}: answer failed", answer.callId(), e);
            return new RelayResult.Refused(500, "media relay error");
        }
    }

    @Override
    public void releaseBranch(String callId, String branchId) {
        MediaSession session = sessions.get(callId);
        if (session != null) {
            session.releaseBranch(branchId);
            forgetIfEmpty(session);
        }
    }

    @Override
    public void releaseCall(String callId) {
        MediaSession session = sessions.remove(callId);
        if (session != null) {
            session.release();
        }
    }

    /** Active calls (for tests and the health page). */
    public int sessionCount() {
        return sessions.size();
    }

    public PortPool ports() {
        return ports;
    }

    private void forgetIfEmpty(MediaSession session) {
        if (session.noBranchesLeft()) {
            sessions.remove(session.callId, session);
            session.release();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (MediaSession session : sessions.values()) {
            if (session.isAbandoned(now, SETUP_LIMIT.toNanos(), HOLD_LIMIT.toNanos())) {
                log.info("call {} (tenant {}): never set up or held silent too long; its media is released", session.callId, session.tenant);
                releaseCall(session.callId);
                continue;
            }
            if (session.isInactive(now, inactivityNanos)) {
                log.info("call {} (tenant {}): no media for {} s; ending it", session.callId, session.tenant,
                        TimeUnit.NANOSECONDS.toSeconds(inactivityNanos));
                metrics.inactivityTimeouts.increment();
                releaseCall(session.callId);
                try {
                    onInactive.accept(session.callId);
                } catch (RuntimeException e) {
                    log.warn("call {}: ending it after the media timeout failed", session.callId, e);
                }
            }
        }
    }

    MediaLeg newLeg(MediaSession session, int stream, boolean callerSide) {
        for (int attempt = 0; attempt < 8; attempt++) {
            OptionalInt port = ports.take();
            if (port.isEmpty()) {
                break;
            }
            MediaLeg leg = new MediaLeg(session, stream, callerSide, port.getAsInt(), metrics, tap);
            if (leg.open(transport)) {
                return leg;
            }
            log.warn("media port {} or {} is taken by another program; skipped", port.getAsInt(), port.getAsInt() + 1);
            ports.release(port.getAsInt()); // to the back of the queue: the other program may be gone by then
        }
        throw new MediaSession.PortsExhausted();
    }

    SecureRandom random() {
        return random;
    }

    String advertisedAddress() {
        return advertisedAddress;
    }

    @Override
    public void close() {
        sweep.cancel(false);
        sweeper.shutdownNow();
        sessions.keySet().forEach(this::releaseCall);
    }
}
