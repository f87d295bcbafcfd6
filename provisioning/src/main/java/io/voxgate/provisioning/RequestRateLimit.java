package io.voxgate.provisioning;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} requests per key (an address, a certificate) in each window. A fixed window
 * is enough here: phones fetch a few files at boot and then once a day, so a key near the limit is
 * a script, not a phone. Windows of keys not seen lately are dropped once the map grows.
 */
public final class RequestRateLimit {

    private static final int PRUNE_ABOVE = 50_000;

    private record Window(long start, int count) {
    }

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

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
    }

    /** Counts the request; false when the key is over its limit in this window. */
    public boolean allow(String key) {
        long now = nanoTime.getAsLong();
        Window window = windows.compute(key, (k, w) -> w == null || now - w.start >= windowNanos
                ? new Window(now, 1) : new Window(w.start, w.count + 1));
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> now - w.start >= windowNanos);
        }
        return window.count <= limit;
    }

    /** Seconds until {@code key}'s window ends, for Retry-After. */
    public long secondsUntilReset(String key) {
        Window w = windows.get(key);
        long left = w == null ? 0 : windowNanos - (nanoTime.getAsLong() - w.start);
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
