package io.voxgate.sip.hooks;

/**
 * SDP passes unchanged and nothing is allocated: the media anchor until the SRTP relay lands.
 * Media then flows directly between the phones (SRTP keys negotiated end to end by SDES).
 */
public final class PassThroughMediaAnchor implements MediaAnchor {

    @Override
    public byte[] offer(String callId, String branchId, byte[] sdp) {
        return sdp;
    }

    @Override
    public byte[] answer(String callId, String branchId, byte[] sdp) {
        return sdp;
    }

    @Override
    public void releaseBranch(String callId, String branchId) {
    }

    @Override
    public void releaseCall(String callId) {
    }
}
