package io.voxgate.admin.cache;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.voxgate.config.feed.ConfigChange;

/**
 * Rows the admin API reads on every request (sessions, apps, tenants), kept in memory: the change
 * feed drops an entry when its row changes on any node, and a short lifetime bounds what a lost
 * notification could keep. Absent rows are not kept, so what was just created is found at once.
 *
 * @param <K> the key, parsed from a change's key when {@code keyOfChange} is given
 */
public final class FeedInvalidatedCache<K, V> {

    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 100_000;

    private final Cache<K, V> entries = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(LIFETIME).build();
    /** Bumped by every invalidation, so a load that overlapped one is not kept. */
    private final AtomicLong generation = new AtomicLong();
    private final Set<String> tables;
    private final Function<String, K> keyOfChange;
    private final Function<K, Optional<V>> load;

    /**
     * @param tables      the tables whose changes make entries wrong
     * @param keyOfChange the entry a change's key names; null: any change of those tables drops every entry
     * @param load        reads the row (blocking)
     */
    public FeedInvalidatedCache(Set<String> tables, Function<String, K> keyOfChange, Function<K, Optional<V>> load) {
        this.tables = tables;
        this.keyOfChange = keyOfChange;
        this.load = load;
    }

    /**
     * The cached row, else read now. A value read while an invalidation ran is answered but not
     * kept: it may be the row from before the change (Caffeine's invalidateAll does not wait for
     * loads in flight).
     */
    public Optional<V> get(K key) {
        V cached = entries.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = generation.get();
        Optional<V> loaded = load.apply(key);
        if (loaded.isPresent()) {
            synchronized (this) {
                if (generation.get() == before) {
                    entries.put(key, loaded.get());
                }
            }
        }
        return loaded;
    }

    /** For a change made here: dropped now, not when this node's own notification comes back. */
    public synchronized void invalidate(K key) {
        generation.incrementAndGet();
        entries.invalidate(key);
    }

    public synchronized void invalidateAll() {
        generation.incrementAndGet();
        entries.invalidateAll();
    }

    public void onConfigChange(ConfigChange change) {
        if (change.isResync()) {
            invalidateAll();
        } else if (tables.contains(change.table())) {
            if (keyOfChange == null) {
                invalidateAll();
            } else {
                K key;
                try {
                    key = keyOfChange.apply(change.key());
                } catch (RuntimeException unreadable) {
                    invalidateAll();
                    return;
                }
                invalidate(key);
            }
        }
    }
}
