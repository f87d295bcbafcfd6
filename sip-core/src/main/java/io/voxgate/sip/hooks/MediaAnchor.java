package io.voxgate.sip.hooks;

import java.io.Serializable;
import java.util.Optional;

/**
 * Anchors a call's media: rewrites SDP offers and answers so media flows through the relay. The
 * launcher wires the SRTP relay behind it. Every call and result is a plain serialisable value,
 * so the relay can run in another process or on other nodes without this interface changing.
 * Called on signalling threads; implementations answer without blocking on media I/O.
 */
public interface MediaAnchor {

    /**
     * An offer from one party: the caller's INVITE towards one branch, or a re-INVITE or UPDATE
     * from either side. {@link Result.Refused} ends the request with its status.
     */
    Result offer(Offer offer);

    /**
     * An INVITE that carries no offer (RFC 3261 §13.2.1: the callee then offers in its 2xx and the
     * caller answers in the ACK). Empty lets it go on; an anchor that cannot place such a call
     * refuses it, so no call's media goes around it.
     */
    Optional<Result.Refused> inviteWithoutOffer(String callId, boolean inDialog);

    /**
     * A callee's (or, after a re-offer, either party's) answer in a 18x or 2xx, as it should reach
     * the other party. Called again with the same SDP when the 2xx is retransmitted (RFC 6026): the
     * same answer gives the same result and allocates nothing new. {@link Result.Refused} means
     * the answer cannot be anchored: the proxy passes on no SDP, and ends a call so answered.
     */
    Result answer(Answer answer);

    /** The branch failed or was cancelled: its resources can go. */
    void releaseBranch(String callId, String branchId);

    /** The call ended (BYE) or never got going: everything for it can go. */
    void releaseCall(String callId);

    /**
     * @param tenantSlug      the caller's tenant ("" in a dialog, where the call's state already says)
     * @param offererTag      From tag of the request carrying the offer (tells caller from callee in a re-INVITE)
     * @param inDialog        the request is inside a dialog (re-INVITE, UPDATE), not a new call's INVITE
     * @param plainRtpAllowed the tenant lets its phones send plain RTP
     */
    record Offer(String tenantSlug, String callId, String branchId, String offererTag, boolean inDialog, boolean plainRtpAllowed,
                 byte[] sdp) implements Serializable {
    }

    /**
     * @param answererTag To tag of the response
     * @param confirmed   the answer came in a 2xx, not a provisional response
     */
    record Answer(String callId, String branchId, String answererTag, boolean confirmed, byte[] sdp) implements Serializable {
    }

    sealed interface Result extends Serializable {
        /** Send this SDP on in place of the one received. */
        record Sdp(byte[] sdp) implements Result {
        }

        /** Answer the request with {@code status}; {@code reason} goes in a Warning header. */
        record Refused(int status, String reason) implements Result {
        }
    }
}
