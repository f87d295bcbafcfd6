package io.voxgate.provisioning;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} requests per key (an address, a certificate) in each window. A fixed window
 * is enough here: phones fetch a few files at boot and then once a day, so a key near the limit is
 * a script, not a phone. The map is bounded: windows of keys not seen lately are pruned (at most
 * once a second), and when it is still full a new key is refused rather than let memory grow.
 */
public final class RequestRateLimit {

    private static final int PRUNE_ABOVE = 20_000;
    private static final int MAX_KEYS = 100_000;
    private static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

    private record Window(long start, int count) {
    }

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastPrune = new AtomicLong();

    public RequestRateLimit(int limit, Duration window) {
        this(limit, window, System::nanoTime);
    }

    RequestRateLimit(int limit, Duration window, LongSupplier nanoTime) {
        if (limit < 1) {
            throw new IllegalArgumentException("a rate limit allows at least one request");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.lastPrune.set(nanoTime.getAsLong());
    }

    /** The key of a source: its IPv4 address, or its IPv6 /64 (one host can pick any address of its /64). */
    public static String sourceKey(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (address instanceof Inet6Address v6) {
            return HexFormat.of().formatHex(v6.getAddress(), 0, 8) + "::/64";
        }
        return address == null ? peer.getHostString() : address.getHostAddress();
    }

    /** Counts the request; false when the key is over its limit in this window. */
    public boolean allow(String key) {
        long now = nanoTime.getAsLong();
        if (windows.size() > PRUNE_ABOVE) {
            prune(now);
            if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
                return false; // under a flood of sources, fail closed
            }
        }
        Window window = windows.compute(key, (k, w) -> w == null || now - w.start >= windowNanos
                ? new Window(now, 1) : new Window(w.start, w.count + 1));
        return window.count <= limit;
    }

    private void prune(long now) {
        long last = lastPrune.get();
        if (now - last >= PRUNE_EVERY_NANOS && lastPrune.compareAndSet(last, now)) {
            windows.values().removeIf(w -> now - w.start >= windowNanos);
        }
    }

    /** Seconds until {@code key}'s window ends, for Retry-After. */
    public long secondsUntilReset(String key) {
        Window w = windows.get(key);
        long left = w == null ? windowNanos : windowNanos - (nanoTime.getAsLong() - w.start);
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
