package io.voxgate.sip.hooks;

import java.util.Optional;

/**
 * Media not anchored: SDP passes unchanged and phones send media to each other directly. For
 * tests of signalling alone; the switch wires the SRTP relay.
 */
public final class PassThroughMediaAnchor implements MediaAnchor {

    @Override
    public Result offer(Offer offer) {
        return new Result.Sdp(offer.sdp());
    }

    @Override
    public Optional<Result.Refused> inviteWithoutOffer(String callId, boolean inDialog) {
        return Optional.empty();
    }

    @Override
    public Result answer(Answer answer) {
        return new Result.Sdp(answer.sdp());
    }

    @Override
    public void releaseBranch(String callId, String branchId) {
    }

    @Override
    public void releaseCall(String callId) {
    }
}
