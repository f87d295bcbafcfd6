package io.voxgate.media.relay;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;

/**
 * The relay's UDP port pairs: an even RTP port and the odd port above it for RTCP (RFC 3550
 * §11), from a configured range. Handed out in a shuffled order and reused last-freed-last, so a
 * port is not predictable and a late packet of an ended call rarely meets the next call on it.
 */
public final class PortPool {

    private final ArrayDeque<Integer> free;
    private final int capacity;

    public PortPool(int min, int max) {
        if (min < 1024 || min > 65534 || max > 65535 || max <= min) {
            throw new IllegalArgumentException("media port range " + min + "-" + max + ": needs 1024 <= min < max <= 65535");
        }
        List<Integer> even = new ArrayList<>();
        for (int port = min + (min & 1); port + 1 <= max; port += 2) {
            even.add(port);
        }
        Collections.shuffle(even, new SecureRandom());
        this.free = new ArrayDeque<>(even);
        this.capacity = even.size();
    }

    /** The RTP port of a free pair; empty when the range is used up. */
    public synchronized OptionalInt take() {
        Integer port = free.pollFirst();
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** Gives a pair back; it goes to the end of the queue. */
    public synchronized void release(int rtpPort) {
        free.addLast(rtpPort);
    }

    public synchronized int available() {
        return free.size();
    }

    /** Pairs in the range. */
    public int capacity() {
        return capacity;
    }
}
