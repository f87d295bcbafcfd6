package io.voxgate.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

class SipFrameDecoderTest {

    private static final String OPTIONS = "OPTIONS sip:pbx.example SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 10.0.0.2:5061;branch=z9hG4bK1\r\n"
            + "From: <sip:1001@pbx.example>;tag=a\r\nTo: <sip:pbx.example>\r\n"
            + "Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nbody";

    private final EmbeddedChannel channel = new EmbeddedChannel(new SipFrameDecoder(SipStreamLimits.DEFAULT));

    @Test
    void wholeMessageIsOneFrameIncludingExactlyContentLengthBytesOfBody() {
        channel.writeInbound(bytes(OPTIONS));

        SipInbound.Frame frame = channel.readInbound();
        assertThat(new String(frame.bytes(), StandardCharsets.UTF_8)).isEqualTo(OPTIONS);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void messageSplitAcrossReadsIsFramedWhenComplete() {
        for (int i = 0; i < OPTIONS.length(); i += 7) {
            channel.writeInbound(bytes(OPTIONS.substring(i, Math.min(OPTIONS.length(), i + 7))));
        }

        SipInbound.Frame frame = channel.readInbound();
        assertThat(new String(frame.bytes(), StandardCharsets.UTF_8)).isEqualTo(OPTIONS);
    }

    @Test
    void twoMessagesInOneReadAreTwoFrames() {
        channel.writeInbound(bytes(OPTIONS + OPTIONS));

        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.Frame.class);
        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.Frame.class);
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void doubleCrlfIsAKeepalivePingAndALoneCrlfIsDropped() {
        channel.writeInbound(bytes("\r\n\r\n"));
        channel.writeInbound(bytes("\r\n" + OPTIONS));

        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.KeepalivePing.class);
        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.Frame.class);
    }

    @Test
    void pingSplitAcrossReadsIsStillAPing() {
        channel.writeInbound(bytes("\r\n"));
        channel.writeInbound(bytes("\r\n"));

        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.KeepalivePing.class);
    }

    @Test
    void missingContentLengthIsAFramingErrorAndTheRestIsDiscarded() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4\r\n", "") + OPTIONS));

        SipInbound.FramingError error = channel.readInbound();
        assertThat(error.reason()).contains("missing Content-Length");
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void headersLargerThanTheLimitAreRefusedWithoutWaitingForTheirEnd() {
        EmbeddedChannel small = new EmbeddedChannel(new SipFrameDecoder(new SipStreamLimits(1024, 4096, 120, 65536)));

        small.writeInbound(bytes("OPTIONS sip:x SIP/2.0\r\nX-Filler: " + "a".repeat(2000)));

        SipInbound.FramingError error = small.readInbound();
        assertThat(error.reason()).contains("headers exceed 1024 bytes");
    }

    @Test
    void anEndlessHeaderLineIsRefusedOnceItPassesTheLineLimitNotTheHeaderLimit() {
        channel.writeInbound(bytes("OPTIONS sip:x SIP/2.0\r\nX-Filler: " + "a".repeat(5000)));

        SipInbound.FramingError error = channel.readInbound();
        assertThat(error.reason()).contains("a header line exceeds 4096 bytes");
    }

    @Test
    void aRepeatedContentLengthIsInvalid() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4\r\n", "Content-Length: 4\r\nl: 4\r\n")));

        SipInbound.FramingError error = channel.readInbound();
        assertThat(error.reason()).contains("Content-Length invalid");
    }

    @Test
    void bodyAboveTheLimitIsRefusedBeforeItIsBuffered() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4", "Content-Length: 10000000")));

        SipInbound.FramingError error = channel.readInbound();
        assertThat(error.reason()).contains("above 65536 bytes");
    }

    @Test
    void tooManyHeaderLinesAreRefused() {
        String many = OPTIONS.replace("Call-ID: c1\r\n", "Call-ID: c1\r\n" + "X-A: b\r\n".repeat(200));

        channel.writeInbound(bytes(many));

        SipInbound.FramingError error = channel.readInbound();
        assertThat(error.reason()).contains("header lines");
    }

    @Test
    void truncatedMessageWaitsAndProducesNothing() {
        channel.writeInbound(bytes(OPTIONS.substring(0, OPTIONS.length() - 2)));

        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void compactContentLengthHeaderFramesToo() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4", "l: 4")));

        assertThat((Object) channel.readInbound()).isInstanceOf(SipInbound.Frame.class);
    }

    @Test
    void contentLengthThatIsNotANumberOrRepeatedIsAFramingError() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4", "Content-Length: four")));
        SipInbound.FramingError notANumber = channel.readInbound();

        EmbeddedChannel other = new EmbeddedChannel(new SipFrameDecoder(SipStreamLimits.DEFAULT));
        other.writeInbound(bytes(OPTIONS.replace("Content-Length: 4", "Content-Length: 4\r\nl: 4")));
        SipInbound.FramingError repeated = other.readInbound();

        assertThat(notANumber.reason()).contains("Content-Length invalid");
        assertThat(repeated.reason()).contains("Content-Length invalid");
    }

    @Test
    void contentLengthNameIsCaseInsensitiveAndMayHaveSpacesBeforeTheColon() {
        channel.writeInbound(bytes(OPTIONS.replace("Content-Length: 4", "CONTENT-length : 4")));

        SipInbound.Frame frame = channel.readInbound();
        assertThat(frame.bytes()).hasSize(OPTIONS.replace("Content-Length: 4", "CONTENT-length : 4").length());
    }

    @Test
    void inputBuffersAreReleased() {
        ByteBuf in = bytes(OPTIONS);

        channel.writeInbound(in);
        channel.readInbound();

        assertThat(in.refCnt()).isZero();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
