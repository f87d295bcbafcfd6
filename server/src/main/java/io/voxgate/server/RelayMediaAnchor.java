package io.voxgate.server;

import java.util.Optional;

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

    static final Result.Refused LATE_OFFER = new Result.Refused(488,
            "an INVITE without an SDP offer (late offer) is not supported: its media could not be anchored");

    private final RelayControl relay;

    RelayMediaAnchor(RelayControl relay) {
        this.relay = relay;
    }

    @Override
    public Result offer(Offer offer) {
        return result(relay.offer(new RelayOffer(offer.tenantSlug(), offer.callId(), offer.branchId(), offer.offererTag(),
                offer.inDialog(), offer.plainRtpAllowed(), offer.sdp())));
    }

    /**
     * Refused: the relay places offers from the INVITE only. A late offer would come in the
     * callee's 2xx and its answer in the caller's ACK, and passed on unanchored it would send the
     * call's media around the relay, perhaps in clear.
     */
    @Override
    public Optional<Result.Refused> inviteWithoutOffer(String callId, boolean inDialog) {
        return Optional.of(LATE_OFFER);
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
