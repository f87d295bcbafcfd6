package io.voxgate.media.relay;

/**
 * What signalling asks of the relay. Every argument and result is a plain serialisable value
 * (strings, bytes, booleans, ints), so this boundary can become a network call when the relay runs
 * as its own process or on its own nodes, and {@code sip-core} would not change.
 * Called from signalling threads; implementations do not block on media I/O.
 */
public interface RelayControl {

    /**
     * An SDP offer from one party: the caller's INVITE towards one branch, or either side's
     * re-INVITE or UPDATE. The result is the offer as the other party should get it, or a refusal
     * to answer the request with.
     */
    RelayResult offer(RelayOffer offer);

    /** The answer to an offer this relay rewrote; the same answer again (a retransmitted 2xx) gives the same result. */
    RelayResult answer(RelayAnswer answer);

    /** The branch failed or was cancelled: its ports close. */
    void releaseBranch(String callId, String branchId);

    /** The call ended or never started: all its ports close. */
    void releaseCall(String callId);
}
