package io.voxgate.media.relay;

import java.io.Serializable;

/**
 * @param tenant          the caller's tenant (for logs; the relay keeps no tenant data)
 * @param callId          the SIP Call-ID: one relay session per call
 * @param branchId        the transaction branch the offer goes out on (a fork, or the re-INVITE's own)
 * @param offererTag      From tag of the request carrying the offer: tells caller from callee in a re-INVITE
 * @param inDialog        carried by a request inside a dialog (re-INVITE, UPDATE, also an early UPDATE), not a new call's INVITE
 * @param plainRtpAllowed the tenant lets this party send plain RTP (the other leg still gets SRTP)
 * @param sdp             the offer as received
 */
public record RelayOffer(String tenant, String callId, String branchId, String offererTag, boolean inDialog,
                         boolean plainRtpAllowed, byte[] sdp) implements Serializable {

    /** An offer in a new call's INVITE, towards one branch. */
    public RelayOffer(String tenant, String callId, String branchId, String offererTag, boolean plainRtpAllowed, byte[] sdp) {
        this(tenant, callId, branchId, offererTag, false, plainRtpAllowed, sdp);
    }
}
