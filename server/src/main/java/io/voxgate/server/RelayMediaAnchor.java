package io.voxgate.server;

import io.voxgate.media.relay.RelayAnswer;
import io.voxgate.media.relay.RelayControl;
import io.voxgate.media.relay.RelayOffer;
import io.voxgate.media.relay.RelayResult;
import io.voxgate.sip.hooks.MediaAnchor;

/**
 * sip-core's media hook on the relay's control boundary: value for value, nothing else. Neither
 * module depends on the other (DESIGN.md), and when the relay moves to its own process only the
 * {@link RelayControl} behind this changes.
 */
final class RelayMediaAnchor implements MediaAnchor {

    private final RelayControl relay;

    RelayMediaAnchor(RelayControl relay) {
        this.relay = relay;
    }

    @Override
    public Result offer(Offer offer) {
        return result(relay.offer(new RelayOffer(offer.tenantSlug(), offer.callId(), offer.branchId(), offer.offererTag(),
                offer.inDialog(), offer.plainRtpAllowed(), offer.sdp())));
    }

    @Override
    public Result answer(Answer answer) {
        return result(relay.answer(new RelayAnswer(answer.callId(), answer.branchId(), answer.answererTag(), answer.confirmed(),
                answer.sdp())));
    }

    @Override
    public void releaseBranch(String callId, String branchId) {
        relay.releaseBranch(callId, branchId);
    }

    @Override
    public void releaseCall(String callId) {
        relay.releaseCall(callId);
    }

    private static Result result(RelayResult result) {
        return switch (result) {
            case RelayResult.Relayed relayed -> new Result.Sdp(relayed.sdp());
            case RelayResult.Refused refused -> new Result.Refused(refused.sipStatus(), refused.reason());
        };
    }
}
