package io.voxgate.media.srtp;

/**
 * A few crypto contexts by SSRC, looked up without allocating. Bounded: a phone sends one SSRC per
 * stream (two across a restart or a transfer), so when {@link #MAX} are held the least recently
 * used makes room. Receivers add a context only after its first packet authenticated (as the
 * Jitsi Videobridge does), so forged SSRCs cannot push out the real one. Confined to the thread
 * of the session's event loop.
 */
final class SsrcContexts<C> {

    static final int MAX = 4;

    private final int[] ssrcs = new int[MAX];
    private final Object[] contexts = new Object[MAX];
    private final long[] lastUse = new long[MAX];
    private int size;
    private long clock;

    @SuppressWarnings("unchecked")
    C find(int ssrc) {
        for (int i = 0; i < size; i++) {
            if (ssrcs[i] == ssrc) {
                lastUse[i] = ++clock;
                return (C) contexts[i];
            }
        }
        return null;
    }

    /** Adds {@code context}; returns the one it displaced (to close), or null. */
    @SuppressWarnings("unchecked")
    C add(int ssrc, C context) {
        if (size < MAX) {
            ssrcs[size] = ssrc;
            contexts[size] = context;
            lastUse[size++] = ++clock;
            return null;
        }
        int oldest = 0;
        for (int i = 1; i < MAX; i++) {
            if (lastUse[i] < lastUse[oldest]) {
                oldest = i;
            }
        }
        C displaced = (C) contexts[oldest];
        ssrcs[oldest] = ssrc;
        contexts[oldest] = context;
        lastUse[oldest] = ++clock;
        return displaced;
    }

    int size() {
        return size;
    }
}
