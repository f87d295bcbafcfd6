package io.voxgate.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.sip.message.SipMessageParser;
import io.voxgate.sip.message.SipParseResult;

class ConfirmedDialogTest {

    private static final String INVITE = """
            INVITE sip:1002@pbx.acme.example SIP/2.0\r
            Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK-1\r
            Max-Forwards: 70\r
            From: <sip:1001@pbx.acme.example>;tag=alice\r
            To: <sip:1002@pbx.acme.example>\r
            Call-ID: call-1\r
            CSeq: 7 INVITE\r
            Contact: <sip:1001@10.0.0.1:5061;transport=tls>\r
            Content-Length: 0\r
            \r
            """;

    private static final String OK = """
            SIP/2.0 200 OK\r
            Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK-1\r
            From: <sip:1001@pbx.acme.example>;tag=alice\r
            To: <sip:1002@pbx.acme.example>;tag=bob\r
            Call-ID: call-1\r
            CSeq: 7 INVITE\r
            Contact: <sip:1002@10.0.0.2:5061;transport=tls>\r
            Content-Length: 0\r
            \r
            """;

    private final ConfirmedDialog dialog = new ConfirmedDialog((SIPRequest) parse(INVITE), (SIPResponse) parse(OK), null, null);

    @Test
    void aByeFromEitherPartyOfTheDialogIsOfIt() {
        assertThat(dialog.isDialogOf(bye("alice", "bob"))).isTrue();
        assertThat(dialog.isDialogOf(bye("bob", "alice"))).isTrue();
    }

    @Test
    void theByeOfAnotherDialogOfTheSameInviteIsNot() {
        assertThat(dialog.isDialogOf(bye("alice", "second-phone"))).as("RFC 3261 §13.2.2.4: an extra 2xx's dialog").isFalse();
    }

    @Test
    void theSwitchsByesTargetEachContactAndCountAboveWhatEachSideUsed() {
        String toCallee = dialog.byeToCallee("Q.850;cause=102");
        String toCaller = dialog.byeToCaller("Q.850;cause=102");

        assertThat(toCallee).startsWith("BYE sip:1002@10.0.0.2:5061;transport=tls SIP/2.0").contains("CSeq: 8 BYE")
                .contains("From: <sip:1001@pbx.acme.example>;tag=alice").contains("To: <sip:1002@pbx.acme.example>;tag=bob");
        assertThat(toCaller).startsWith("BYE sip:1001@10.0.0.1:5061;transport=tls SIP/2.0").contains("CSeq: 1 BYE")
                .contains("From: <sip:1002@pbx.acme.example>;tag=bob");
    }

    @Test
    void requestsEachPartySendsInTheDialogRaiseItsByesCSeq() {
        dialog.sawRequest(reInvite("bob", "alice", 3));
        dialog.sawRequest(reInvite("alice", "bob", 12));

        assertThat(dialog.byeToCaller("Q.850;cause=102")).contains("CSeq: 4 BYE");
        assertThat(dialog.byeToCallee("Q.850;cause=102")).contains("CSeq: 13 BYE");
    }

    private static SIPRequest reInvite(String fromTag, String toTag, int cseq) {
        return (SIPRequest) parse(INVITE.replace("CSeq: 7 INVITE", "CSeq: " + cseq + " INVITE")
                .replace(";tag=alice", ";tag=" + fromTag).replace("To: <sip:1002@pbx.acme.example>", "To: <sip:1002@pbx.acme.example>;tag=" + toTag));
    }

    private static SIPRequest bye(String fromTag, String toTag) {
        return (SIPRequest) parse(INVITE.replace("INVITE sip", "BYE sip").replace("CSeq: 7 INVITE", "CSeq: 8 BYE")
                .replace(";tag=alice", ";tag=" + fromTag).replace("To: <sip:1002@pbx.acme.example>", "To: <sip:1002@pbx.acme.example>;tag=" + toTag));
    }

    private static SIPMessage parse(String text) {
        return ((SipParseResult.Parsed) new SipMessageParser().parse(text.getBytes(StandardCharsets.UTF_8))).message();
    }
}
