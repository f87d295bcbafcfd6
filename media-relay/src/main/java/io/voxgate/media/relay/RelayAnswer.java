package io.voxgate.media.relay;

import java.io.Serializable;

/**
 * @param callId      the SIP Call-ID
 * @param branchId    the branch whose offer this answers
 * @param answererTag To tag of the response: the answering party
 * @param confirmed   carried by a 2xx (the call is up), not a provisional response (early media)
 * @param sdp         the answer as received
 */
public record RelayAnswer(String callId, String branchId, String answererTag, boolean confirmed, byte[] sdp)
        implements Serializable {
}
