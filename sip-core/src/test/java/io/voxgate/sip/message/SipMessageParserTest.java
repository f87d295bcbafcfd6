package io.voxgate.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.message.SIPRequest;

class SipMessageParserTest {

    private static final String REGISTER = "REGISTER sip:pbx.example SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 10.0.0.2:5061;branch=z9hG4bK776asdhds\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:1001@pbx.example>;tag=456248\r\nTo: <sip:1001@pbx.example>\r\n"
            + "Call-ID: 843817637684230@998sdasdh09\r\nCSeq: 1826 REGISTER\r\n"
            + "Contact: <sip:1001@10.0.0.2:5061;transport=tls>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n";

    private final SipMessageParser parser = new SipMessageParser();

    @Test
    void wellFormedRegisterParses() {
        SipParseResult result = parser.parse(REGISTER.getBytes(StandardCharsets.UTF_8));

        assertThat(result).isInstanceOf(SipParseResult.Parsed.class);
        SIPRequest request = (SIPRequest) ((SipParseResult.Parsed) result).message();
        assertThat(request.getMethod()).isEqualTo("REGISTER");
        assertThat(request.getCSeq().getSeqNumber()).isEqualTo(1826);
    }

    @Test
    void badCseqIsMalformedButStillAnswerableWhenTheRestIsThere() {
        SipParseResult result = parser.parse(REGISTER.replace("CSeq: 1826 REGISTER", "CSeq: REGISTER 1826").getBytes(StandardCharsets.UTF_8));

        assertThat(result).isInstanceOf(SipParseResult.Malformed.class);
    }

    @Test
    void cseqMethodDifferentFromTheRequestLineIsMalformedAndAnswerable() {
        SipParseResult result = parser.parse(REGISTER.replace("CSeq: 1826 REGISTER", "CSeq: 1826 INVITE").getBytes(StandardCharsets.UTF_8));

        assertThat(result).isInstanceOfSatisfying(SipParseResult.Malformed.class, bad -> {
            assertThat(bad.reason()).contains("CSeq");
            assertThat(bad.answerable()).isNotNull();
        });
    }

    @Test
    void missingViaCannotBeAnswered() {
        SipParseResult result = parser.parse(REGISTER.replace("Via: SIP/2.0/TLS 10.0.0.2:5061;branch=z9hG4bK776asdhds\r\n", "")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(result).isInstanceOfSatisfying(SipParseResult.Malformed.class, bad -> assertThat(bad.answerable()).isNull());
    }

    @Test
    void log4jIsNotOnTheClasspathAndTheParserDoesNotNeedIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName("org.apache.log4j.Logger"))
                .isInstanceOf(ClassNotFoundException.class);

        // a bare CRLF made the RI reach for log4j (NoClassDefFoundError) before its logger was bridged
        assertThat(parser.parse("\r\n".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SipParseResult.Malformed.class);
    }

    @Test
    void garbageIsMalformedNotAnException() {
        SipParseResult result = parser.parse("\u0000\u0001 hello\r\n\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(result).isInstanceOf(SipParseResult.Malformed.class);
    }
}
