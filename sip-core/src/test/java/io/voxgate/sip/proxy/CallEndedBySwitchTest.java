package io.voxgate.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestPhone;
import io.voxgate.sip.TestSipClient.Response;

/** The proxy ends a confirmed call from the middle (the relay asks when media stops): a BYE to each side. */
class CallEndedBySwitchTest {

    private static final String ACME = "pbx.acme.example";
    private static final String MEDIA_TIMEOUT = "Q.850;cause=102;text=\"media timeout\"";

    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    @Test
    void bothSidesGetAByeInTheirDialogWithTheReason() throws Exception {
        try (TestPhone alice = new TestPhone(sip.client(), "1001", ACME, RunningSipSwitchAccess.PASSWORD);
             TestPhone bob = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            Response invite = alice.callReaching(bob, "call-ended", "z9hG4bKended");
            bob.sip.sendRaw(TestPhone.answer(invite, 200, "OK", bob.contact()));
            Response ok = alice.skipTrying(alice.sip.readResponse());
            assertThat(ok.status()).isEqualTo(200);

            assertThat(sip.proxy().endCall("call-ended", MEDIA_TIMEOUT)).isTrue();

            Response byeToBob = bob.sip.readResponse();
            Response byeToAlice = alice.sip.readResponse();
            assertThat(byeToBob.method()).isEqualTo("BYE");
            assertThat(byeToBob.header("From")).as("as if from the caller").isEqualTo(invite.header("From"));
            assertThat(byeToBob.header("To")).contains(tagOf(ok.header("To")));
            assertThat(byeToBob.header("Call-ID")).isEqualTo("call-ended");
            assertThat(byeToBob.header("CSeq")).as("newer than the caller's INVITE").isEqualTo(
                    (Long.parseLong(invite.header("CSeq").split(" ")[0]) + 1) + " BYE");
            assertThat(byeToBob.header("Reason")).contains("cause=102").contains("media timeout");
            assertThat(byeToAlice.method()).isEqualTo("BYE");
            assertThat(byeToAlice.header("From")).as("as if from the callee").contains(tagOf(ok.header("To")));
            assertThat(byeToAlice.header("To")).isEqualTo(invite.header("From"));
            assertThat(sip.metrics().get("voxgate.sip.dialogs").gauge().value()).isZero();

            bob.sip.sendRaw(TestPhone.answer(byeToBob, 200, "OK", bob.contact()));
            alice.sip.sendRaw(TestPhone.answer(byeToAlice, 200, "OK", alice.contact()));
            assertThat(sip.proxy().endCall("call-ended", MEDIA_TIMEOUT)).as("once only").isFalse();
        }
    }

    @Test
    void aCallThatIsNotUpIsNotEnded() {
        assertThat(sip.proxy().endCall("no-such-call", MEDIA_TIMEOUT)).isFalse();
    }

    private static String tagOf(String address) {
        return address.substring(address.indexOf("tag="));
    }
}
