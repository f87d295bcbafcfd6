package io.voxgate.media.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import io.voxgate.media.sdp.MediaDescription;
import io.voxgate.media.sdp.SessionDescription;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay over real UDP sockets on loopback, with phones that speak real SRTP. */
class MediaRelayTest {

    private static final int PORT_MIN = 41000;
    private static final int PORT_MAX = 41199;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> tapped = new CopyOnWriteArrayList<>();
    private final List<String> inactive = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private RelayTransport transport;
    private MediaRelay relay;

    @BeforeEach
    void start() {
        transport = new RelayTransport(InetAddress.getLoopbackAddress(), 1);
        relay = newRelay(Duration.ofSeconds(60));
    }

    private MediaRelay newRelay(Duration inactivity) {
        MediaRelay relay = new MediaRelay(transport, new PortPool(PORT_MIN, PORT_MAX), "127.0.0.1", inactivity,
                (callId, stream, fromCaller, packet, offset, length) ->
                        tapped.add((fromCaller ? "caller:" : "callee:") + new String(packet, offset + 12, 8, StandardCharsets.US_ASCII).trim()),
                meters);
        relay.onInactive(inactive::add);
        return relay;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        relay.close();
        transport.close();
    }

    /** A caller and a callee with a call set up through the relay. */
    private final class Call {
        final SrtpTestPhone caller;
        final SrtpTestPhone callee;
        final byte[] offerToCallee;
        final byte[] answerToCaller;

        Call(String callId) throws IOException {
            caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
            callee = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 2);
            offerToCallee = relayed(relay.offer(offer(callId, "z9hG4bK-1", caller.offer())));
            byte[] calleeAnswer = callee.answer(offerToCallee, 2).getBytes(StandardCharsets.US_ASCII);
            answerToCaller = relayed(relay.answer(new RelayAnswer(callId, "z9hG4bK-1", "callee-tag", true, calleeAnswer)));
            caller.learnRelay(answerToCaller);
        }
    }

    @Test
    void mediaFlowsBothWaysReKeyedPerLeg() throws Exception {
        Call call = new Call("call-1");

        byte[] sentByCaller = call.caller.send();
        byte[] heardByCallee = call.callee.receive(2000).orElseThrow();
        byte[] sentByCallee = call.callee.send();
        byte[] heardByCaller = call.caller.receive(2000).orElseThrow();

        assertThat(heardByCallee).isEqualTo(call.caller.rtp(1));
        assertThat(heardByCaller).isEqualTo(call.callee.rtp(1));
        // re-keyed: what one phone sent would not authenticate under the key the other phone holds
        assertThat(call.callee.acceptsUnderRelayKey(sentByCaller)).isFalse();
        assertThat(call.caller.acceptsUnderRelayKey(sentByCallee)).isFalse();
        assertThat(tapped).containsExactly("caller:tone 1", "callee:tone 1");
        assertThat(meters.get("voxgate.media.packets").tag("direction", "out").counter().count()).isEqualTo(2);
    }

    @Test
    void theOfferToTheCalleeCarriesTheRelaysAddressPortsAndFreshKeysOnly() throws Exception {
        Call call = new Call("call-2");

        SessionDescription toCallee = SessionDescription.parse(call.offerToCallee);
        MediaDescription audio = toCallee.media().get(0);
        assertThat(toCallee.connectionAddress()).contains("127.0.0.1");
        assertThat(audio.port()).isBetween(PORT_MIN, PORT_MAX).isNotEqualTo(call.caller.port());
        assertThat(audio.port() % 2).isZero();
        assertThat(audio.cryptoLines()).extracting(SdesCrypto::suite).containsExactly(CryptoSuite.values());
        assertThat(audio.cryptoLines()).noneMatch(line -> line.sameKeyAs(call.caller.ownKey));
        assertThat(audio.formats()).isEqualTo("0 8 101");
        assertThat(new String(call.offerToCallee, StandardCharsets.US_ASCII)).contains("a=rtpmap:101 telephone-event/8000", "a=ptime:20");

        MediaDescription toCaller = SessionDescription.parse(call.answerToCaller).media().get(0);
        assertThat(toCaller.cryptoLines()).hasSize(1);
        assertThat(toCaller.cryptoLines().getFirst().tag()).isEqualTo(call.caller.ownKey.tag());
        assertThat(toCaller.cryptoLines().getFirst().sameKeyAs(call.callee.ownKey)).isFalse();
    }

    @Test
    void aTamperedPacketIsDroppedAndCounted() throws Exception {
        Call call = new Call("call-3");
        byte[] srtp = call.caller.protect(call.caller.rtp(1));
        srtp[20] ^= 1;

        call.caller.sendRaw(srtp);

        assertThat(call.callee.receive(300)).isEmpty();
        assertThat(meters.get("voxgate.media.dropped").tag("reason", "auth-failed").counter().count()).isEqualTo(1);
    }

    @Test
    void aReplayedPacketIsDroppedAndCounted() throws Exception {
        Call call = new Call("call-4");
        byte[] srtp = call.caller.send();
        call.callee.receive(2000).orElseThrow();

        call.caller.sendRaw(srtp);

        assertThat(call.callee.receive(300)).isEmpty();
        assertThat(meters.get("voxgate.media.dropped").tag("reason", "replayed").counter().count()).isEqualTo(1);
    }

    @Test
    void aPacketFromAnUnauthenticatedSourceDoesNotMoveTheLatch() throws Exception {
        Call call = new Call("call-5");
        call.caller.send();
        call.callee.receive(2000).orElseThrow(); // the caller's leg is latched to its socket
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] forged = call.caller.rtp(50);
            attacker.send(new java.net.DatagramPacket(forged, forged.length, call.caller.relayAddress()));

            call.callee.send();

            assertThat(call.caller.receive(2000)).as("the callee's media still reaches the real caller").isPresent();
            assertThat(meters.get("voxgate.media.latches").tag("kind", "moved").counter().count()).isZero();
        }
    }

    @Test
    void aPhoneThatMovesReLatchesOnItsNextAuthenticatedPacket() throws Exception {
        Call call = new Call("call-6");
        call.caller.send();
        call.callee.receive(2000).orElseThrow();
        try (DatagramSocket moved = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            call.caller.sendFrom(moved); // same key, next sequence number, new address (a NAT rebinding)
            call.callee.receive(2000).orElseThrow();

            call.callee.send();

            assertThat(call.caller.receiveOn(moved, 2000)).isPresent();
            assertThat(meters.get("voxgate.media.latches").tag("kind", "moved").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void plainRtpIsRefusedWith488UnlessTheTenantAllowsIt() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String plain = caller.offer().replace("RTP/SAVP", "RTP/AVP").replaceAll("a=crypto:[^\r]*\r\n", "");

        RelayResult refused = relay.offer(offer("call-7", "z9hG4bK-1", plain));
        RelayResult allowed = relay.offer(new RelayOffer("acme", "call-8", "z9hG4bK-1", "caller-tag", true,
                plain.getBytes(StandardCharsets.US_ASCII)));

        assertThat(refused).isInstanceOfSatisfying(RelayResult.Refused.class, r -> {
            assertThat(r.sipStatus()).isEqualTo(488);
            assertThat(r.reason()).contains("SRTP required");
        });
        assertThat(relay.sessionCount()).as("nothing kept for the refused call").isEqualTo(1);
        MediaDescription toCallee = SessionDescription.parse(relayed(allowed)).media().get(0);
        assertThat(toCallee.proto()).as("the other leg still gets SRTP").isEqualTo("RTP/SAVP");
        assertThat(toCallee.cryptoLines()).hasSize(3);
    }

    @Test
    void anOfferWithOnlySuitesTheRelayDoesNotSpeakIsRefusedWith488() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String f8Only = caller.offer().replace("AES_CM_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_80");

        RelayResult result = relay.offer(offer("call-9", "z9hG4bK-1", f8Only));

        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, r -> assertThat(r.sipStatus()).isEqualTo(488));
        assertThat(relay.sessionCount()).isZero();
        assertThat(relay.ports().available()).isEqualTo(relay.ports().capacity());
    }

    @Test
    void aRetransmitted2xxGetsTheSameAnswerAndTakesNoPorts() throws Exception {
        Call call = new Call("call-10");
        int free = relay.ports().available();
        byte[] calleeAnswer = call.callee.answer(call.offerToCallee, 2).getBytes(StandardCharsets.US_ASCII);

        byte[] again = relayed(relay.answer(new RelayAnswer("call-10", "z9hG4bK-1", "callee-tag", true, calleeAnswer)));

        assertThat(again).isEqualTo(call.answerToCaller);
        assertThat(relay.ports().available()).isEqualTo(free);
    }

    @Test
    void releasingTheCallClosesItsPortsAndStopsItsMedia() throws Exception {
        Call call = new Call("call-11");

        relay.releaseCall("call-11");
        call.caller.send();

        assertThat(call.callee.receive(300)).isEmpty();
        assertThat(relay.sessionCount()).isZero();
        awaitFreePorts(relay.ports().capacity());
    }

    @Test
    void withForkingTheAnsweringBranchGetsTheCallersMediaAndTheOtherIsReleased() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        SrtpTestPhone deskPhone = phone(CryptoSuite.AES_256_CM_HMAC_SHA1_80, 1);
        SrtpTestPhone softphone = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_32, 3);
        byte[] toDesk = relayed(relay.offer(offer("call-12", "z9hG4bK-desk", caller.offer())));
        byte[] toSoft = relayed(relay.offer(offer("call-12", "z9hG4bK-soft", caller.offer())));
        assertThat(SessionDescription.parse(toDesk).media().get(0).port()).isNotEqualTo(SessionDescription.parse(toSoft).media().get(0).port());

        relayed(relay.answer(new RelayAnswer("call-12", "z9hG4bK-desk", "desk", false,
                deskPhone.answer(toDesk, 1).getBytes(StandardCharsets.US_ASCII)))); // 183 with early media
        byte[] answer = relayed(relay.answer(new RelayAnswer("call-12", "z9hG4bK-soft", "soft", true,
                softphone.answer(toSoft, 3).getBytes(StandardCharsets.US_ASCII))));
        relay.releaseBranch("call-12", "z9hG4bK-desk");
        caller.learnRelay(answer);

        caller.send();
        assertThat(softphone.receive(2000)).isPresent();
        softphone.send();
        assertThat(caller.receive(2000)).isPresent();
        assertThat(deskPhone.receive(300)).isEmpty();
    }

    @Test
    void anEstablishedCallWithoutMediaIsEndedAfterTheInactivityTimeout() throws Exception {
        relay.close();
        relay = newRelay(Duration.ofMillis(400));
        new Call("call-13");

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (inactive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        assertThat(inactive).containsExactly("call-13");
        assertThat(relay.sessionCount()).isZero();
    }

    @Test
    void aCallIsEndedWhenOnePartyFallsSilentEvenIfTheOtherStillSends() throws Exception {
        relay.close();
        relay = newRelay(Duration.ofMillis(400));
        Call call = new Call("call-16");

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (inactive.isEmpty() && System.nanoTime() < deadline) {
            call.caller.send(); // the callee's phone lost power; the caller talks on
            Thread.sleep(50);
        }

        assertThat(inactive).containsExactly("call-16");
    }

    @Test
    void aCallOnHoldIsNotEndedForSilence() throws Exception {
        relay.close();
        relay = newRelay(Duration.ofMillis(400));
        Call call = new Call("call-14");
        String hold = call.caller.offer().replace("a=sendrecv", "a=sendonly");
        relayed(relay.offer(new RelayOffer("acme", "call-14", "z9hG4bK-2", "caller-tag", true, false, hold.getBytes(StandardCharsets.US_ASCII))));

        Thread.sleep(1200);

        assertThat(inactive).isEmpty();
        assertThat(relay.sessionCount()).isEqualTo(1);
    }

    @Test
    void aReInviteWithTheSameKeyKeepsTheStreamGoing() throws Exception {
        Call call = new Call("call-15");
        call.caller.send();
        call.callee.receive(2000).orElseThrow();

        byte[] reoffer = relayed(relay.offer(new RelayOffer("acme", "call-15", "z9hG4bK-2", "caller-tag", true, false,
                call.caller.offer().getBytes(StandardCharsets.US_ASCII))));
        MediaDescription toCallee = SessionDescription.parse(reoffer).media().get(0);
        byte[] reanswer = relayed(relay.answer(new RelayAnswer("call-15", "z9hG4bK-2", "callee-tag", true,
                call.callee.answer(call.offerToCallee, 2).getBytes(StandardCharsets.US_ASCII))));

        assertThat(toCallee.cryptoLines()).as("one line: the key the callee already has").hasSize(1);
        assertThat(SessionDescription.parse(reanswer).media().get(0).port())
                .isEqualTo(SessionDescription.parse(call.answerToCaller).media().get(0).port());
        call.caller.send();
        assertThat(call.callee.receive(2000)).isPresent();
    }

    @Test
    void aPhoneThatHoldsWithConnectionAddressZeroIsSentNothingUntilItResumes() throws Exception {
        Call call = new Call("call-18");
        call.caller.send();
        call.callee.receive(2000).orElseThrow();
        String hold = call.caller.offer().replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
        relayed(relay.offer(new RelayOffer("acme", "call-18", "z9hG4bK-hold", "caller-tag", true, false,
                hold.getBytes(StandardCharsets.US_ASCII))));

        call.callee.send();
        assertThat(call.caller.receive(300)).as("RFC 3264 §8.4: nothing for a phone at 0.0.0.0").isEmpty();

        relayed(relay.offer(new RelayOffer("acme", "call-18", "z9hG4bK-resume", "caller-tag", true, false,
                call.caller.offer().getBytes(StandardCharsets.US_ASCII))));
        call.callee.send();
        assertThat(call.caller.receive(2000)).isPresent();
    }

    @Test
    void anUpdateInTheEarlyDialogIsAReOfferOnTheSamePortsNotANewBranch() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        SrtpTestPhone callee = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 2);
        byte[] toCallee = relayed(relay.offer(offer("call-17", "z9hG4bK-1", caller.offer())));
        relayed(relay.answer(new RelayAnswer("call-17", "z9hG4bK-1", "callee-tag", false,
                callee.answer(toCallee, 2).getBytes(StandardCharsets.US_ASCII)))); // 183 Session Progress
        int free = relay.ports().available();

        byte[] update = relayed(relay.offer(new RelayOffer("acme", "call-17", "z9hG4bK-update", "caller-tag", true, false,
                caller.offer().getBytes(StandardCharsets.US_ASCII))));

        assertThat(SessionDescription.parse(update).media().get(0).port()).isEqualTo(SessionDescription.parse(toCallee).media().get(0).port());
        assertThat(relay.ports().available()).isEqualTo(free);
    }

    @Test
    void anOfferThatFailsHalfwayLeavesNoPortTaken() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String second = caller.offer().substring(caller.offer().indexOf("m=audio")).replace("a=sendrecv", "a=rtcp:70000");
        String twoStreams = caller.offer() + second.replace("m=audio", "m=video");

        RelayResult result = relay.offer(offer("call-19", "z9hG4bK-1", twoStreams));

        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, r -> {
            assertThat(r.sipStatus()).isEqualTo(400);
            assertThat(r.reason()).contains("a=rtcp port out of range");
        });
        assertThat(relay.sessionCount()).isZero();
        awaitFreePorts(relay.ports().capacity());
    }

    @Test
    void aMalformedMkiIsRefusedAndTakesNoPort() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String badMki = caller.offer().replaceFirst("(a=crypto:[^\r]*)", "$1|1:x");

        RelayResult result = relay.offer(offer("call-20", "z9hG4bK-1", badMki));

        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, r -> assertThat(r.reason()).contains("MKI"));
        awaitFreePorts(relay.ports().capacity());
    }

    @Test
    void anOfferWithMoreStreamsThanACallNeedsIsRefusedWith488() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String stream = caller.offer().substring(caller.offer().indexOf("m=audio"));
        String many = caller.offer() + stream.repeat(MediaSession.MAX_STREAMS);

        RelayResult result = relay.offer(offer("call-21", "z9hG4bK-1", many));

        assertThat(result).isInstanceOfSatisfying(RelayResult.Refused.class, r -> assertThat(r.sipStatus()).isEqualTo(488));
        assertThat(relay.ports().available()).isEqualTo(relay.ports().capacity());
    }

    @Test
    void aNewInviteReusingTheCallIdOfAConfirmedCallGetsNoneOfItsKeys() throws Exception {
        Call call = new Call("call-22");
        SrtpTestPhone intruder = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);

        RelayResult asNewCall = relay.offer(new RelayOffer("acme", "call-22", "z9hG4bK-x", "caller-tag", false,
                intruder.offer().getBytes(StandardCharsets.US_ASCII)));
        RelayResult asStranger = relay.offer(new RelayOffer("", "call-22", "z9hG4bK-y", "stranger-tag", true, false,
                intruder.offer().getBytes(StandardCharsets.US_ASCII)));

        assertThat(asNewCall).isInstanceOfSatisfying(RelayResult.Refused.class, r -> assertThat(r.sipStatus()).isEqualTo(400));
        assertThat(asStranger).isInstanceOfSatisfying(RelayResult.Refused.class, r -> assertThat(r.sipStatus()).isEqualTo(481));
        call.caller.send();
        assertThat(call.callee.receive(2000)).as("the call's own media still flows under its own keys").isPresent();
    }

    @Test
    void aSecond2xxFromAnotherBranchDoesNotTakeTheCallersMedia() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        SrtpTestPhone deskPhone = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 2);
        SrtpTestPhone softphone = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 2);
        byte[] toDesk = relayed(relay.offer(offer("call-23", "z9hG4bK-desk", caller.offer())));
        byte[] toSoft = relayed(relay.offer(offer("call-23", "z9hG4bK-soft", caller.offer())));

        byte[] answer = relayed(relay.answer(new RelayAnswer("call-23", "z9hG4bK-desk", "desk", true,
                deskPhone.answer(toDesk, 2).getBytes(StandardCharsets.US_ASCII))));
        relayed(relay.answer(new RelayAnswer("call-23", "z9hG4bK-soft", "soft", true,
                softphone.answer(toSoft, 2).getBytes(StandardCharsets.US_ASCII)))); // both answered at once (RFC 3261 §13.2.2.4)
        caller.learnRelay(answer);

        caller.send();
        assertThat(deskPhone.receive(2000)).as("the first 2xx's branch keeps the caller's media").isPresent();
        assertThat(softphone.receive(300)).isEmpty();
    }

    @Test
    void iceCandidatesAndCredentialsAreNotPassedOn() throws Exception {
        SrtpTestPhone caller = phone(CryptoSuite.AES_CM_128_HMAC_SHA1_80, 1);
        String withIce = caller.offer().replace("a=sendrecv\r\n", "a=sendrecv\r\na=ice-ufrag:abcd\r\na=ice-pwd:secretpassword1234567890\r\n"
                + "a=candidate:1 1 UDP 2130706431 192.168.1.20 " + caller.port() + " typ host\r\n");

        String relayed = new String(relayed(relay.offer(offer("call-24", "z9hG4bK-1", withIce))), StandardCharsets.US_ASCII);

        assertThat(relayed).doesNotContain("candidate", "ice-ufrag", "ice-pwd", "192.168.1.20").contains("a=sendrecv");
    }

    private void awaitFreePorts(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (relay.ports().available() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(relay.ports().available()).isEqualTo(expected);
    }

    private SrtpTestPhone phone(CryptoSuite suite, int tag) throws IOException {
        SrtpTestPhone phone = new SrtpTestPhone(suite, tag);
        closeAfter.add(phone);
        return phone;
    }

    private static RelayOffer offer(String callId, String branch, String sdp) {
        return new RelayOffer("acme", callId, branch, "caller-tag", false, sdp.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] relayed(RelayResult result) {
        assertThat(result).isInstanceOf(RelayResult.Relayed.class);
        return ((RelayResult.Relayed) result).sdp();
    }
}
