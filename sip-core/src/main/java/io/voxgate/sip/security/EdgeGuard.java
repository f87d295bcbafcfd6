package io.voxgate.sip.security;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Edge security in front of every SIP request, the job Kamailio's pike and fail2ban do: bans an
 * address after repeated authentication failures (from it, or against one user), limits each
 * address's request rate, and drops well-known scanners without an answer. Bans are logged and
 * counted. All state is in bounded, expiring caches, so a flood of addresses cannot exhaust memory.
 */
public final class EdgeGuard {

    private static final Logger log = LoggerFactory.getLogger(EdgeGuard.class);
    private static final int MAX_TRACKED = 500_000;

    /** User-Agents of SIP scanners and war-diallers (sipvicious and its forks, SIPcli, VaxSIP, iWar, ...). */
    static final List<String> SCANNER_AGENTS = List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan", "vaxsipuseragent",
            "iwar", "sivus", "smap", "sundayddr", "pplsip", "sipscan");

    private final EdgePolicy policy;
    private final Cache<InetAddress, Boolean> banned;
    private final Cache<InetAddress, AtomicInteger> failuresBySource;
    private final Cache<String, AtomicInteger> failuresByUser;
    private final Cache<InetAddress, TokenBucket> buckets;
    private final Clock clock;
    private final MeterRegistry metrics;

    public EdgeGuard(EdgePolicy policy, Clock clock, MeterRegistry metrics) {
        this.policy = policy;
        this.clock = clock;
        this.metrics = metrics;
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        // Caffeine's upkeep on the calling thread: its default, the common pool, is a thread woken
        // every few hundred lookups, and these run on every request.
        this.banned = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(MAX_TRACKED).expireAfterWrite(policy.banDuration()).build();
        this.failuresBySource = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(MAX_TRACKED).expireAfterWrite(policy.failureWindow()).build();
        this.failuresByUser = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(MAX_TRACKED).expireAfterWrite(policy.failureWindow()).build();
        this.buckets = Caffeine.newBuilder().executor(Runnable::run).ticker(ticker).maximumSize(MAX_TRACKED).expireAfterAccess(Duration.ofMinutes(1)).build();
        metrics.gauge("voxgate.sip.banned.sources", banned, c -> c.estimatedSize());
    }

    public boolean isBanned(InetAddress source) {
        return banned.getIfPresent(source) != null;
    }

    /** Why a request from {@code source} must be dropped without an answer, if it must. */
    public Optional<String> refuse(InetAddress source, String userAgent) {
        if (isBanned(source)) {
            return Optional.of("banned");
        }
        if (userAgent != null) {
            String agent = userAgent.toLowerCase(Locale.ROOT);
            for (String scanner : SCANNER_AGENTS) {
                if (agent.contains(scanner)) {
                    metrics.counter("voxgate.sip.dropped", "reason", "scanner").increment();
                    ban(source, "scanner User-Agent '" + userAgent + "'");
                    return Optional.of("scanner");
                }
            }
        }
        if (policy.requestsPerSecond() == 0 || source.isLoopbackAddress()) {
            // Flood protection guards the network edge; loopback is a local SBC or load generator.
            return Optional.empty();
        }
        TokenBucket bucket = buckets.get(source, s -> new TokenBucket(policy.requestsPerSecond(), clock.millis()));
        if (!bucket.take(clock.millis())) {
            metrics.counter("voxgate.sip.dropped", "reason", "rate").increment();
            if (bucket.overflowsInARow() > policy.requestsPerSecond() * 5L) {
                ban(source, "request flood (over " + policy.requestsPerSecond() + "/s for several seconds)");
            }
            return Optional.of("rate limit");
        }
        return Optional.empty();
    }

    /** A request from {@code source} failed digest authentication for {@code user} (tenant-qualified). */
    public void authenticationFailed(InetAddress source, String user) {
        int bySource = failuresBySource.get(source, s -> new AtomicInteger()).incrementAndGet();
        int byUser = failuresByUser.get(user, u -> new AtomicInteger()).incrementAndGet();
        if (bySource >= policy.authFailuresPerSource()) {
            ban(source, bySource + " failed authentications within " + policy.failureWindow().toSeconds() + " s");
        } else if (byUser >= policy.authFailuresPerUser()) {
            ban(source, byUser + " failed authentications against " + user + " within " + policy.failureWindow().toSeconds() + " s");
        }
    }

    private void ban(InetAddress source, String why) {
        if (banned.asMap().putIfAbsent(source, Boolean.TRUE) == null) {
            failuresBySource.invalidate(source);
            metrics.counter("voxgate.sip.bans").increment();
            log.warn("banned {} for {} s: {}", source.getHostAddress(), policy.banDuration().toSeconds(), why);
        }
    }

    /** Lifts a ban (operator action, tests). */
    public void unban(InetAddress source) {
        banned.invalidate(source);
    }

    /** A token bucket refilled continuously; guarded by its own lock (one per address). */
    static final class TokenBucket {
        private final double ratePerMilli;
        private final double capacity;
        private double tokens;
        private long last;
        private long overflowsInARow;

        TokenBucket(int perSecond, long now) {
            this.ratePerMilli = perSecond / 1000.0;
            this.capacity = perSecond * 2.0;
            this.tokens = capacity;
            this.last = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * ratePerMilli);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                overflowsInARow = 0;
                return true;
            }
            overflowsInARow++;
            return false;
        }

        synchronized long overflowsInARow() {
            return overflowsInARow;
        }
    }
}
