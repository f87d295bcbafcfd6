package io.voxgate.sip.hooks;

/**
 * Anchors a call's media: rewrites the SDP offer sent to each callee branch and the answer sent
 * back to the caller (the SRTP relay puts its own addresses and keys there), and releases what
 * it allocated when the call or the attempt ends. Values in and out are plain (call id, branch
 * id, SDP bytes), so the relay can later run in its own process.
 */
public interface MediaAnchor {

    /** The caller's offer, as it should be sent to one callee branch. */
    byte[] offer(String callId, String branchId, byte[] sdp);

    /**
     * A callee's answer (in a 18x or 2xx) on one branch, as it should reach the caller. Called
     * again with the same SDP when the callee retransmits its 2xx (RFC 6026), so the same answer
     * must give the same result and allocate nothing new.
     */
    byte[] answer(String callId, String branchId, byte[] sdp);

    /** The branch failed or was cancelled: its resources can go. */
    void releaseBranch(String callId, String branchId);

    /** The call ended (BYE) or never got going: everything for it can go. */
    void releaseCall(String callId);
}
