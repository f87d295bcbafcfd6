package io.voxgate.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestPhone;
import io.voxgate.sip.TestSipClient.Response;
import io.voxgate.sip.hooks.CallPolicy;
import io.voxgate.sip.hooks.MediaAnchor;

/** The proxy's hook points with real implementations plugged in, as dial plans and the relay will be. */
class CallHooksTest {

    private static final String ACME = "pbx.acme.example";
    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/SAVP 0\r\n";
    private static final String ANSWER = OFFER.replace("192.0.2.10", "192.0.2.20").replace("40000", "42000");

    /** Refuses calls to extension 1099, as a dial plan's blocked-destination rule would. */
    private static final CallPolicy BLOCK_1099 = attempt -> "1099".equals(attempt.targetUser())
            ? new CallPolicy.Verdict.Reject(403, "blocked-destination") : CallPolicy.PROCEED;

    /**
     * Puts a relay address into every SDP, as the SRTP relay does, refuses plain RTP (offered or
     * answered) and INVITEs without an offer, and records what it is told.
     */
    static final class RecordingAnchor implements MediaAnchor {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Offer> offers = new CopyOnWriteArrayList<>();
        final List<Answer> answers = new CopyOnWriteArrayList<>();

        @Override
        public Result offer(Offer offer) {
            events.add("offer " + offer.callId());
            offers.add(offer);
            if (new String(offer.sdp(), StandardCharsets.UTF_8).contains("RTP/AVP ")) {
                return new Result.Refused(488, "SRTP required");
            }
            return new Result.Sdp(relay(offer.sdp()));
        }

        @Override
        public Optional<Result.Refused> inviteWithoutOffer(String callId, boolean inDialog) {
            events.add("late-offer " + callId);
            return Optional.of(new Result.Refused(488, "late offer not supported"));
        }

        @Override
        public Result answer(Answer answer) {
            events.add("answer " + answer.callId());
            answers.add(answer);
            if (new String(answer.sdp(), StandardCharsets.UTF_8).contains("RTP/AVP ")) {
                return new Result.Refused(488, "SRTP required");
            }
            return new Result.Sdp(relay(answer.sdp()));
        }

        @Override
        public void releaseBranch(String callId, String branchId) {
            events.add("release-branch " + callId);
        }

        @Override
        public void releaseCall(String callId) {
            events.add("release " + callId);
        }

        private static byte[] relay(byte[] sdp) {
            return new String(sdp, StandardCharsets.UTF_8).replaceAll("IN IP4 192\\.0\\.2\\.\\d+", "IN IP4 203.0.113.1")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final RecordingAnchor ANCHOR = new RecordingAnchor();

    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess(BLOCK_1099, ANCHOR);

    @Test
    void policyRejectionAnswersWithTheStatusAndNamesTheRuleInAWarning() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD)) {
            Response refused = alice.authenticatedInviteFinal("1099@" + ACME, "call-blocked", "z9hG4bKblocked", "");

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.header("Warning")).contains("399 voxgate").contains("blocked-destination");
        }
    }

    @Test
    void anOfferTheMediaAnchorRefusesIsAnswered488WithAWarningAndNeverReachesTheCallee() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            bob.register();

            Response refused = alice.skipTrying(alice.authenticatedInvite("1002@" + ACME, "call-plain", "z9hG4bKplain", "",
                    OFFER.replace("RTP/SAVP", "RTP/AVP")));

            assertThat(refused.status()).isEqualTo(488);
            assertThat(refused.header("Warning")).contains("305 voxgate").contains("SRTP required");
            assertThat(bob.sip.readResponseWithin(java.time.Duration.ofMillis(300))).as("no INVITE reaches the callee").isEmpty();
        }
    }

    @Test
    void mediaAnchorRewritesTheOfferAndTheAnswerAndIsReleasedOnBye() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            bob.register();
            alice.authenticatedInvite("1002@" + ACME, "call-media", "z9hG4bKmedia", "", OFFER);

            Response invite = bob.sip.readResponse();
            assertThat(invite.raw()).contains("c=IN IP4 203.0.113.1").doesNotContain("192.0.2.10");

            bob.sip.sendRaw(TestPhone.answer(invite, 200, "OK", bob.contact(), ANSWER));
            Response ok = alice.sip.readResponse();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(sip.metrics().get("voxgate.sip.dialogs").gauge().value()).isEqualTo(1);
            assertThat(ok.raw()).contains("c=IN IP4 203.0.113.1").doesNotContain("192.0.2.20");

            String route = "Route: " + String.join(", ", invite.addresses("Record-Route")) + "\r\n";
            bob.sip.sendRaw("BYE " + alice.contact().replaceAll("[<>]", "") + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + bob.sip.localPort() + ";branch=z9hG4bKbyemedia\r\n"
                    + "Max-Forwards: 70\r\n" + route + "From: " + ok.header("To") + "\r\nTo: " + ok.header("From") + "\r\n"
                    + "Call-ID: call-media\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
            assertThat(alice.sip.readResponse().method()).isEqualTo("BYE");

            assertThat(ANCHOR.events).contains("offer call-media", "answer call-media", "release call-media");
            MediaAnchor.Offer offer = ANCHOR.offers.stream().filter(o -> o.callId().equals("call-media")).findFirst().orElseThrow();
            assertThat(offer.tenantSlug()).isEqualTo("acme");
            assertThat(offer.plainRtpAllowed()).isFalse();
            assertThat(offer.inDialog()).isFalse();
            assertThat(offer.offererTag()).isNotBlank();
            assertThat(offer.branchId()).startsWith("z9hG4bK");
            MediaAnchor.Answer answer = ANCHOR.answers.stream().filter(a -> a.callId().equals("call-media")).findFirst().orElseThrow();
            assertThat(answer.confirmed()).isTrue();
            assertThat(answer.branchId()).isEqualTo(offer.branchId());
            assertThat(sip.metrics().get("voxgate.sip.dialogs").gauge().value()).isZero();
        }
    }

    @Test
    void anInviteWithoutAnOfferIsRefusedWhenTheAnchorCannotPlaceALateOffer() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            bob.register();

            Response refused = alice.skipTrying(alice.authenticatedInvite("1002@" + ACME, "call-late", "z9hG4bKlate", ""));

            assertThat(refused.status()).isEqualTo(488);
            assertThat(refused.header("Warning")).contains("305 voxgate").contains("late offer");
            assertThat(bob.sip.readResponseWithin(java.time.Duration.ofMillis(300))).as("no INVITE reaches the callee").isEmpty();
            assertThat(ANCHOR.events).contains("late-offer call-late", "release call-late");
        }
    }

    @Test
    void anAnswerTheAnchorRefusesIsNotPassedOnAndTheCallIsEnded() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            bob.register();
            alice.authenticatedInvite("1002@" + ACME, "call-plain-answer", "z9hG4bKplainanswer", "", OFFER);
            Response invite = bob.sip.readResponse();
            String plainAnswer = ANSWER.replace("RTP/SAVP", "RTP/AVP");

            bob.sip.sendRaw(TestPhone.answer(invite, 183, "Session Progress", bob.contact(), plainAnswer));
            Response progress = alice.skipTrying(alice.sip.readResponse());
            assertThat(progress.status()).isEqualTo(183);
            assertThat(progress.raw()).as("no early media around the relay").doesNotContain("192.0.2.20").doesNotContain("m=audio");
            assertThat(progress.header("Warning")).contains("305 voxgate");

            bob.sip.sendRaw(TestPhone.answer(invite, 200, "OK", bob.contact(), plainAnswer));
            Response ok = alice.sip.readResponse();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.raw()).doesNotContain("192.0.2.20").doesNotContain("m=audio");
            assertThat(ok.header("Warning")).contains("305 voxgate").contains("SRTP required");

            Response byeToBob = bob.sip.readResponse();
            Response byeToAlice = alice.sip.readResponse();
            assertThat(byeToBob.method()).isEqualTo("BYE");
            assertThat(byeToBob.header("Reason")).contains("cause=88");
            assertThat(byeToAlice.method()).isEqualTo("BYE");
            assertThat(ANCHOR.events).contains("release call-plain-answer");
            bob.sip.sendRaw(TestPhone.answer(byeToBob, 200, "OK", bob.contact()));
            alice.sip.sendRaw(TestPhone.answer(byeToAlice, 200, "OK", alice.contact()));
        }
    }

    @Test
    void aMultipartOfferIsRefusedAndAMultipartAnswerIsNotPassedOn() throws Exception {
        String multipart = "--b1\r\nContent-Type: application/sdp\r\n\r\n" + OFFER + "--b1--\r\n";
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            bob.register();

            Response refused = alice.skipTrying(alice.authenticatedInvite("1002@" + ACME, "call-multipart", "z9hG4bKmultipart",
                    "", multipart, "multipart/mixed;boundary=b1"));

            assertThat(refused.status()).isEqualTo(488);
            assertThat(refused.header("Warning")).contains("multipart");
        }
    }
}
