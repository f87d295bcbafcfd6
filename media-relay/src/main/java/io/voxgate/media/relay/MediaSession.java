package io.voxgate.media.relay;

import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.voxgate.media.sdes.SdesAnswer;
import io.voxgate.media.sdes.SdesCrypto;
import io.voxgate.media.sdp.MediaDescription;
import io.voxgate.media.sdp.SdpException;
import io.voxgate.media.sdp.SessionDescription;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's media: per m= line, the caller's leg and, per forked branch, a callee leg. The
 * caller's packets go to the branch that answered last (early media, then the branch whose 2xx
 * won); every callee leg sends to the caller. Offers and answers are RFC 3264 with SDES (RFC
 * 4568) on each leg separately: each phone keeps its own key for what it sends, and gets a key of
 * the relay's for what it receives. Signalling methods are synchronized on the session; the
 * packet path never takes that lock.
 */
final class MediaSession {

    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);
    private static final int MAX_PENDING_REOFFERS = 16;
    /** Audio, video and a spare: more RTP streams in one call are refused, so one INVITE cannot take hundreds of ports. */
    static final int MAX_STREAMS = 4;

    final String callId;
    final String tenant;
    final String callerTag;
    final EventLoop loop;
    private final MediaRelay relay;

    private final List<MediaLeg> callerLegs = new ArrayList<>(); // by m= line; null where declined
    private final List<String> callerProtos = new ArrayList<>();
    private final Map<String, Branch> branches = new LinkedHashMap<>();
    private final Map<String, Reoffer> reoffers = new HashMap<>();
    private Branch confirmed;
    private volatile boolean up;
    private volatile boolean hold;
    private boolean released;
    private final long createdNanos = System.nanoTime();

    private static final class Branch {
        final String id;
        final List<MediaLeg> legs = new ArrayList<>();
        final List<List<SdesCrypto>> offeredKeys = new ArrayList<>();
        final List<String> protos = new ArrayList<>();
        String calleeTag;
        byte[] lastAnswer;
        byte[] lastResult;

        Branch(String id) {
            this.id = id;
        }
    }

    /** A re-INVITE's or UPDATE's offer waiting for its answer. */
    private static final class Reoffer {
        final boolean fromCaller;
        byte[] lastAnswer;
        byte[] lastResult;

        Reoffer(boolean fromCaller) {
            this.fromCaller = fromCaller;
        }
    }

    MediaSession(MediaRelay relay, String callId, String tenant, String callerTag, EventLoop loop) {
        this.relay = relay;
        this.callId = callId;
        this.tenant = tenant;
        this.callerTag = callerTag;
        this.loop = loop;
    }

    // ------------------------------------------------------------------ offers

    synchronized RelayResult offer(RelayOffer offer) {
        if (released) {
            return new RelayResult.Refused(481, "the call's media is already released");
        }
        SessionDescription sdp = SessionDescription.parse(offer.sdp());
        if (offer.inDialog() && !branches.isEmpty()) {
            // only the call's own parties re-offer: the caller, or a callee that answered
            boolean party = offer.offererTag().equals(callerTag)
                    || branches.values().stream().anyMatch(b -> offer.offererTag().equals(b.calleeTag));
            return party ? reoffer(offer, sdp) : new RelayResult.Refused(481, "not a party of this call's media");
        }
        if (confirmed != null || !offer.offererTag().equals(callerTag) || !offer.tenant().equals(tenant)) {
            // a new INVITE reusing the Call-ID of another call must not reach that call's keys
            // (an in-dialog offer the relay has no branch for is anchored from here on: a late-offer call)
            return new RelayResult.Refused(400, "the Call-ID belongs to another call");
        }
        if (relayableStreams(sdp) > MAX_STREAMS) {
            return new RelayResult.Refused(488, "at most " + MAX_STREAMS + " media streams per call");
        }
        if (branches.containsKey(offer.branchId())) {
            return new RelayResult.Relayed(branches.get(offer.branchId()).lastResult);
        }
        Optional<RelayResult.Refused> refusal = refusalOf(sdp, offer.plainRtpAllowed());
        if (refusal.isPresent()) {
            return refusal.get();
        }
        boolean newCallerLegs = callerLegs.isEmpty();
        Branch branch = new Branch(offer.branchId());
        try {
            List<MediaDescription> out = new ArrayList<>();
            for (int i = 0; i < sdp.media().size(); i++) {
                MediaDescription stream = sdp.media().get(i);
                if (newCallerLegs) {
                    callerLegs.add(relayable(stream) ? callerLeg(i, sdp, stream) : null);
                    callerProtos.add(stream.proto());
                }
                MediaLeg caller = callerLegs.get(i);
                if (caller == null) {
                    branch.legs.add(null);
                    branch.offeredKeys.add(List.of());
                    branch.protos.add(stream.proto());
                    out.add(stream.declined(relay.advertisedAddress()));
                    continue;
                }
                MediaLeg callee = relay.newLeg(this, i, false);
                callee.peer(caller);
                List<SdesCrypto> keys = SdesAnswer.offer(relay.random());
                String proto = secured(stream.proto());
                branch.legs.add(callee);
                branch.offeredKeys.add(keys);
                branch.protos.add(proto);
                out.add(stream.relayedAt(relay.advertisedAddress(), callee.rtpPort, callee.rtpPort + 1, keys).withProto(proto));
            }
            byte[] result = sdp.relayedAt(relay.advertisedAddress(), out).toBytes();
            branch.lastResult = result;
            branches.put(branch.id, branch);
            hold = sdp.isHold();
            return new RelayResult.Relayed(result);
        } catch (RuntimeException e) {
            // nothing half-made stays: every port this offer opened goes back
            releaseLegs(branch.legs);
            if (newCallerLegs) {
                releaseLegs(callerLegs);
                callerLegs.clear();
                callerProtos.clear();
            }
            if (e instanceof PortsExhausted) {
                return new RelayResult.Refused(503, "media relay: no free ports");
            }
            throw e;
        }
    }

    private static long relayableStreams(SessionDescription sdp) {
        return sdp.media().stream().filter(MediaSession::relayable).count();
    }

    /** RFC 3264 §5: everything the relay refuses, found before a port is taken. */
    private static Optional<RelayResult.Refused> refusalOf(SessionDescription sdp, boolean plainRtpAllowed) {
        boolean any = false;
        for (MediaDescription stream : sdp.media()) {
            if (!relayable(stream)) {
                continue;
            }
            any = true;
            if (!stream.isSecure() && !plainRtpAllowed) {
                return Optional.of(new RelayResult.Refused(488, "SRTP required: offer RTP/SAVP with a=crypto (SDES)"));
            }
            if (stream.isSecure() && stream.cryptoLines().isEmpty()) {
                return Optional.of(new RelayResult.Refused(488,
                        "no SDES crypto suite in common: the relay speaks AES_256_CM_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32"));
            }
        }
        return any ? Optional.empty() : Optional.of(new RelayResult.Refused(488, "no RTP stream the relay can anchor"));
    }

    /** RTP streams with a port; DTLS-SRTP (UDP/TLS/...), T.38 (udptl) and the like are declined. */
    private static boolean relayable(MediaDescription stream) {
        return !stream.isRejected() && stream.proto().startsWith("RTP/");
    }

    private MediaLeg callerLeg(int index, SessionDescription sdp, MediaDescription stream) {
        MediaLeg leg = relay.newLeg(this, index, true);
        try {
            if (stream.isSecure()) {
                SdesAnswer keys = SdesAnswer.to(stream.cryptoLines(), relay.random()).orElseThrow();
                leg.partyKey(keys.remote());
                leg.relayKey(keys.local());
            } else {
                leg.partyKey(null);
                leg.relayKey(null);
            }
            targets(leg, sdp, stream);
            return leg;
        } catch (RuntimeException e) {
            leg.release(relay.ports()); // not in callerLegs yet: the caller's cleanup would miss it
            throw e;
        }
    }

    /** A re-INVITE or UPDATE from either side: same ports; a new key from the phone is taken, the relay's keys stay. */
    private RelayResult reoffer(RelayOffer offer, SessionDescription sdp) {
        Branch branch = confirmed != null ? confirmed : lastAnswered();
        if (branch == null) {
            return new RelayResult.Refused(491, "an offer is still pending on this call");
        }
        boolean fromCaller = offer.offererTag().equals(callerTag);
        List<MediaLeg> from = fromCaller ? callerLegs : branch.legs;
        List<MediaLeg> to = fromCaller ? branch.legs : callerLegs;
        List<String> toProtos = fromCaller ? branch.protos : callerProtos;
        if (sdp.media().size() < from.size()) {
            return new RelayResult.Refused(488, "a re-offer must keep every m= line (RFC 3264 §8)");
        }
        if (sdp.media().size() > from.size()) {
            return new RelayResult.Refused(488, "adding a stream in a re-offer is not supported by the relay yet");
        }
        List<MediaDescription> out = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription stream = sdp.media().get(i);
            MediaLeg offerer = from.get(i);
            MediaLeg answerer = to.get(i);
            if (offerer == null || answerer == null || !relayable(stream)) {
                out.add(stream.declined(relay.advertisedAddress()));
                continue;
            }
            if (offerer.partyKey() != null) {
                List<SdesCrypto> lines = stream.cryptoLines();
                Optional<SdesCrypto> same = lines.stream().filter(line -> line.sameKeyAs(offerer.partyKey())).findFirst();
                Optional<SdesCrypto> chosen = same.or(() -> SdesCrypto.strongest(lines));
                if (chosen.isEmpty()) {
                    return new RelayResult.Refused(488, "SRTP required: the re-offer dropped a=crypto");
                }
                offerer.partyKey(chosen.get());
                if (offerer.relayKey().suite() != chosen.get().suite()) {
                    offerer.relayKey(SdesCrypto.generate(chosen.get().tag(), chosen.get().suite(), relay.random()));
                } else if (offerer.relayKey().tag() != chosen.get().tag()) {
                    offerer.relayKey(offerer.relayKey().withTag(chosen.get().tag()));
                }
            }
            targets(offerer, sdp, stream);
            List<SdesCrypto> keys = answerer.relayKey() == null ? List.of() : List.of(answerer.relayKey());
            out.add(stream.relayedAt(relay.advertisedAddress(), answerer.rtpPort, answerer.rtpPort + 1, keys).withProto(toProtos.get(i)));
        }
        if (reoffers.size() >= MAX_PENDING_REOFFERS) {
            reoffers.remove(reoffers.keySet().iterator().next());
        }
        reoffers.put(offer.branchId(), new Reoffer(fromCaller));
        hold = sdp.isHold();
        return new RelayResult.Relayed(sdp.relayedAt(relay.advertisedAddress(), out).toBytes());
    }

    // ------------------------------------------------------------------ answers

    synchronized RelayResult answer(RelayAnswer answer) {
        if (released) {
            return new RelayResult.Refused(481, "the call's media is already released");
        }
        Reoffer reoffer = reoffers.get(answer.branchId());
        if (reoffer != null) {
            return reanswer(reoffer, answer);
        }
        Branch branch = branches.get(answer.branchId());
        if (branch == null) {
            return new RelayResult.Refused(500, "an answer to an offer the relay did not see");
        }
        if (branch.lastAnswer != null && Arrays.equals(branch.lastAnswer, answer.sdp())) {
            markUp(branch, answer.confirmed());
            return new RelayResult.Relayed(branch.lastResult); // RFC 6026: the same 2xx again
        }
        SessionDescription sdp = SessionDescription.parse(answer.sdp());
        if (sdp.media().size() != branch.legs.size()) {
            return new RelayResult.Refused(488, "the answer has " + sdp.media().size() + " m= lines for "
                    + branch.legs.size() + " offered (RFC 3264 §6)");
        }
        List<MediaDescription> out = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription stream = sdp.media().get(i);
            MediaLeg callee = branch.legs.get(i);
            MediaLeg caller = callerLegs.get(i);
            if (callee == null || caller == null || stream.isRejected()) {
                out.add(stream.declined(relay.advertisedAddress()));
                continue;
            }
            Optional<SdesCrypto> key = answeredKey(stream, branch.offeredKeys.get(i));
            if (key.isEmpty()) {
                log.warn("call {}: the callee answered stream {} without one of the relay's SRTP suites; declined", callId, i);
                out.add(stream.declined(relay.advertisedAddress()));
                continue;
            }
            callee.partyKey(key.get());
            callee.relayKey(offeredWithTag(branch.offeredKeys.get(i), key.get().tag()));
            targets(callee, sdp, stream);
            if (confirmed == null || confirmed == branch) {
                // early media from the branch that answered last; after a 2xx only the confirmed branch
                caller.rtcpMux(caller.rtcpMuxOffered && stream.hasRtcpMux());
                caller.peer(callee);
            }
            List<SdesCrypto> keys = caller.relayKey() == null ? List.of() : List.of(caller.relayKey());
            out.add(stream.relayedAt(relay.advertisedAddress(), caller.rtpPort, caller.rtpPort + 1, keys).withProto(callerProtos.get(i)));
        }
        byte[] result = sdp.relayedAt(relay.advertisedAddress(), out).toBytes();
        branch.calleeTag = answer.answererTag();
        branch.lastAnswer = answer.sdp();
        branch.lastResult = result;
        markUp(branch, answer.confirmed());
        return new RelayResult.Relayed(result);
    }

    private RelayResult reanswer(Reoffer reoffer, RelayAnswer answer) {
        if (reoffer.lastAnswer != null && Arrays.equals(reoffer.lastAnswer, answer.sdp())) {
            return new RelayResult.Relayed(reoffer.lastResult);
        }
        Branch branch = confirmed != null ? confirmed : lastAnswered();
        SessionDescription sdp = SessionDescription.parse(answer.sdp());
        List<MediaLeg> answerers = reoffer.fromCaller ? branch.legs : callerLegs;
        List<MediaLeg> offerers = reoffer.fromCaller ? callerLegs : branch.legs;
        List<String> offererProtos = reoffer.fromCaller ? callerProtos : branch.protos;
        if (sdp.media().size() != answerers.size()) {
            return new RelayResult.Refused(488, "the answer has " + sdp.media().size() + " m= lines for " + answerers.size() + " offered");
        }
        List<MediaDescription> out = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription stream = sdp.media().get(i);
            MediaLeg answerer = answerers.get(i);
            MediaLeg offerer = offerers.get(i);
            if (answerer == null || offerer == null || stream.isRejected()) {
                out.add(stream.declined(relay.advertisedAddress()));
                continue;
            }
            if (answerer.relayKey() != null) {
                Optional<SdesCrypto> key = answeredKey(stream, List.of(answerer.relayKey()));
                if (key.isEmpty()) {
                    log.warn("call {}: the re-answer for stream {} does not take the relay's SRTP key; declined", callId, i);
                    out.add(stream.declined(relay.advertisedAddress()));
                    continue;
                }
                answerer.partyKey(key.get());
            }
            targets(answerer, sdp, stream);
            List<SdesCrypto> keys = offerer.relayKey() == null ? List.of() : List.of(offerer.relayKey());
            out.add(stream.relayedAt(relay.advertisedAddress(), offerer.rtpPort, offerer.rtpPort + 1, keys).withProto(offererProtos.get(i)));
        }
        byte[] result = sdp.relayedAt(relay.advertisedAddress(), out).toBytes();
        reoffer.lastAnswer = answer.sdp();
        reoffer.lastResult = result;
        return new RelayResult.Relayed(result);
    }

    /** RFC 4568 §7.1.2: the answer has one a=crypto line, whose tag names one of the offered lines, same suite. */
    private static Optional<SdesCrypto> answeredKey(MediaDescription stream, List<SdesCrypto> offered) {
        for (SdesCrypto line : stream.cryptoLines()) {
            for (SdesCrypto ours : offered) {
                if (ours.tag() == line.tag() && ours.suite() == line.suite()) {
                    return Optional.of(line);
                }
            }
        }
        return Optional.empty();
    }

    private static SdesCrypto offeredWithTag(List<SdesCrypto> offered, int tag) {
        return offered.stream().filter(line -> line.tag() == tag).findFirst().orElseThrow();
    }

    /** A 2xx confirms its branch: the caller's media goes to that branch's legs from now on, whatever answered since. */
    private void markUp(Branch branch, boolean confirmedAnswer) {
        if (confirmedAnswer && confirmed == null) {
            confirmed = branch;
            up = true;
            for (int i = 0; i < callerLegs.size(); i++) {
                if (callerLegs.get(i) != null && branch.legs.get(i) != null) {
                    callerLegs.get(i).peer(branch.legs.get(i));
                }
            }
        }
    }

    private Branch lastAnswered() {
        Branch last = null;
        for (Branch branch : branches.values()) {
            if (branch.lastAnswer != null) {
                last = branch;
            }
        }
        return last;
    }

    // ------------------------------------------------------------------ release

    synchronized void releaseBranch(String branchId) {
        reoffers.remove(branchId);
        Branch branch = branches.get(branchId);
        if (branch == null || branch == confirmed) {
            return;
        }
        branches.remove(branchId);
        releaseLegs(branch.legs);
        Branch fallback = confirmed != null ? confirmed : lastAnswered();
        for (int i = 0; i < callerLegs.size(); i++) {
            MediaLeg caller = callerLegs.get(i);
            if (caller != null && branch.legs.get(i) != null && caller.peer() == branch.legs.get(i)) {
                caller.peer(fallback == null ? null : fallback.legs.get(i));
            }
        }
    }

    /** True when nothing of the call is left (the relay then forgets the session). */
    synchronized boolean noBranchesLeft() {
        return branches.isEmpty();
    }

    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        for (Branch branch : branches.values()) {
            releaseLegs(branch.legs);
        }
        branches.clear();
        releaseLegs(callerLegs);
    }

    private void releaseLegs(List<MediaLeg> legs) {
        for (MediaLeg leg : legs) {
            if (leg != null) {
                leg.release(relay.ports());
            }
        }
    }

    // ------------------------------------------------------------------ media state

    /**
     * Established (a 2xx answered), not on hold, and one party has sent nothing (RTP or RTCP) on
     * any of its legs for {@code timeoutNanos}: a phone that lost power or network, whatever the
     * other still sends. Phones that suppress silence still send RTCP every few seconds.
     */
    synchronized boolean isInactive(long now, long timeoutNanos) {
        if (!up || hold || released || confirmed == null) {
            return false;
        }
        return now - latestPacket(callerLegs) > timeoutNanos || now - latestPacket(confirmed.legs) > timeoutNanos;
    }

    /**
     * Held longer than anyone waits: a call never confirmed after {@code setupNanos} (Timer C is
     * 3 minutes; its CANCEL or failure was lost), or on hold and silent for {@code holdNanos}
     * (both phones gone while holding). Bounds what one caller's abandoned calls can keep.
     */
    synchronized boolean isAbandoned(long now, long setupNanos, long holdNanos) {
        if (released) {
            return false;
        }
        if (!up) {
            return now - createdNanos > setupNanos;
        }
        long latest = Math.max(latestPacket(callerLegs), latestPacket(confirmed.legs));
        return hold && now - latest > holdNanos;
    }

    private static long latestPacket(List<MediaLeg> legs) {
        long latest = Long.MIN_VALUE / 2;
        for (MediaLeg leg : legs) {
            if (leg != null) {
                latest = Math.max(latest, leg.lastPacketNanos());
            }
        }
        return latest;
    }

    void relatched(MediaLeg leg, InetSocketAddress to) {
        log.info("call {}: {} moved to {}", callId, leg, to);
    }

    /** Where a stream's SDP says the phone receives: c= (its own or the session's), m= port, a=rtcp or the next port. */
    private static void targets(MediaLeg leg, SessionDescription sdp, MediaDescription stream) {
        Optional<String> address = sdp.connectionAddress(stream);
        InetAddress ip = address.map(NetUtil::createInetAddressFromIpAddressString).orElse(null);
        if (ip != null && ip.isAnyLocalAddress()) {
            leg.suspendSending(true); // RFC 3264 §8.4, c=0.0.0.0: hold the RFC 2543 way, send the phone nothing
            return;
        }
        leg.suspendSending(false);
        if (ip == null) {
            if (address.isEmpty()) {
                throw new SdpException(stream.media() + " stream: no c= line");
            }
            return; // a host name: the relay resolves nothing on the signalling path and waits for the latch
        }
        int rtcpPort = stream.rtcpPort().orElse(stream.port() + 1);
        if (rtcpPort < 1 || rtcpPort > 65_535) {
            throw new SdpException(stream.media() + " stream: RTCP port " + rtcpPort + " is out of range");
        }
        leg.rtcpMuxOffered = stream.hasRtcpMux();
        leg.sdpTargets(new InetSocketAddress(ip, stream.port()), new InetSocketAddress(ip, rtcpPort), stream.hasRtcpMux());
    }

    /** RTP/AVP to RTP/SAVP, RTP/AVPF to RTP/SAVPF; a secure profile stays. */
    private static String secured(String proto) {
        return proto.contains("/SAVP") ? proto : proto.replace("/AVP", "/SAVP");
    }

    /** Thrown by {@link MediaRelay#newLeg} when the range is used up. */
    static final class PortsExhausted extends RuntimeException {
        PortsExhausted() {
            super("media relay: no free ports", null, false, false);
        }
    }
}
