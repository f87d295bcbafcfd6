package io.voxgate.sip.auth;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.collections.Long2LongHashMap;

/**
 * The highest nonce-count seen per nonce (RFC 7616 §3.3), for as long as a nonce can be used.
 * Nonces are grouped by the time slot they were issued in; a slot older than a nonce's lifetime is
 * dropped whole, so nothing expires entry by entry. Each slot is a primitive long-to-long map
 * (16 bytes an entry, no object per nonce): at thousands of REGISTERs a second, a cache entry per
 * nonce made a live heap of hundreds of MB that every young collection had to scan. When full, a
 * new nonce is refused (its request is challenged again) rather than an old one forgotten, which
 * would let it be replayed.
 */
final class NonceCounts {

    private static final long NONE = 0;

    private final long slotSeconds;
    private final Slot[] slots;
    private final int maxNonces;
    /** Nonces tracked in all slots: the cap is on the total, so a busy slot may use what idle ones leave. */
    private final AtomicInteger tracked = new AtomicInteger();

    /** @param lifetimeSeconds how long a nonce is accepted; @param maxNonces how many may be tracked in all */
    NonceCounts(long lifetimeSeconds, int maxNonces) {
        this.slotSeconds = Math.max(1, lifetimeSeconds / 8);
        int count = (int) (lifetimeSeconds / slotSeconds) + 3; // the whole lifetime, the current slot, clock skew
        this.slots = new Slot[count];
        for (int i = 0; i < count; i++) {
            slots[i] = new Slot();
        }
        this.maxNonces = maxNonces;
    }

    /**
     * Records count {@code nc} for the nonce identified by {@code id}, issued at {@code issuedAt}
     * (epoch seconds); false when that count or a higher one was seen, or the table is full.
     */
    boolean accept(long id, long issuedAt, long nc) {
        long slotNumber = Math.floorDiv(issuedAt, slotSeconds);
        Slot slot = slots[(int) Math.floorMod(slotNumber, (long) slots.length)];
        slot.lock.lock();
        try {
            if (slotNumber < slot.number) {
                return false; // older than what the slot holds now: past its lifetime (or the clock went back)
            }
            if (slotNumber > slot.number) {
                tracked.addAndGet(-slot.counts.size());
                slot.counts.clear(); // that slot's nonces are all past their lifetime
                slot.number = slotNumber;
            }
            long highest = slot.counts.get(id);
            if (highest >= nc && highest != NONE) {
                return false;
            }
            if (highest == NONE) {
                if (tracked.get() >= maxNonces) {
                    return false;
                }
                tracked.incrementAndGet();
            }
            slot.counts.put(id, nc);
            return true;
        } finally {
            slot.lock.unlock();
        }
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Long2LongHashMap counts = new Long2LongHashMap(NONE);
        long number = Long.MIN_VALUE;
    }
}
