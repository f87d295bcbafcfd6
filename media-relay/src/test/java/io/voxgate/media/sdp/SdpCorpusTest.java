package io.voxgate.media.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxgate.media.relay.MediaRelay;
import io.voxgate.media.relay.MediaTap;
import io.voxgate.media.relay.PortPool;
import io.voxgate.media.relay.RelayAnswer;
import io.voxgate.media.relay.RelayOffer;
import io.voxgate.media.relay.RelayResult;
import io.voxgate.media.relay.RelayTransport;
import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real phones' SDP (from vendor documentation and public traces, see
 * {@code src/test/resources/sdp/corpus/SOURCES.md}) through the parser and a real relay on loopback.
 */
class SdpCorpusTest {

    private static final String DIR = "/sdp/corpus/";
    private static final int PORT_MIN = 42000;
    private static final int PORT_MAX = 42999;
    private static final String RELAY = "127.0.0.1";
    private static final Pattern INLINE = Pattern.compile("inline:([^\\s|;]+)");

    /** Every offer in the corpus (SOURCES.md says which are captured, published or constructed). */
    private static final List<String> OFFERS = List.of(
            "yealink-t4x-offer.sdp",
            "yealink-t4x-hold-sendonly-offer.sdp",
            "cisco-spa-offer.sdp",
            "cisco-7960-plain-offer.sdp",
            "broadworks-audio-video-offer.sdp",
            "broadworks-video-declined-offer.sdp",
            "freeswitch-aes256-offer.sdp",
            "freeswitch-rtcpmux-aead-offer.sdp",
            "zoiper-android-offer.sdp",
            "rfc4568-mki-lifetime-offer.sdp",
            "audiocodes-mki-offer.sdp",
            "baresip-1.0-offer.sdp",
            "polycom-vvx-unencrypted-srtcp-offer.sdp",
            "pjsip-hold-inactive-c0-offer.sdp",
            "derived-yealink-short-key-offer.sdp");

    private static final List<String> ANSWERS = List.of(
            "yealink-t4x-answer.sdp", "asterisk-aes256-answer.sdp", "audiocodes-mki-answer.sdp", "zoiper-plain-answer.sdp");

    /** Offers with an inline key of the wrong length for its suite beside usable lines. */
    private static final Set<String> WRONG_KEY_LENGTH = Set.of("derived-yealink-short-key-offer.sdp");

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static RelayTransport transport;
    private static MediaRelay relay;

    @BeforeAll
    static void start() {
        transport = new RelayTransport(InetAddress.getLoopbackAddress(), 1);
        relay = new MediaRelay(transport, new PortPool(PORT_MIN, PORT_MAX), RELAY, Duration.ofSeconds(60), MediaTap.NONE,
                new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    static Stream<String> offers() {
        return OFFERS.stream();
    }

    static Stream<String> everyFile() {
        return Stream.concat(OFFERS.stream(), ANSWERS.stream());
    }

    // ------------------------------------------------------------------ parsing

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFile")
    void parsesAndRoundTripsLineForLine(String file) throws IOException {
        byte[] bytes = read(file);
        SessionDescription sdp = SessionDescription.parse(bytes);

        assertThat(lines(sdp.toBytes())).containsExactlyElementsOf(lines(bytes));
        assertThat(new String(sdp.toBytes(), StandardCharsets.UTF_8)).endsWith("\r\n").doesNotContain("\r\n\r\n");
    }

    @Test
    void theCorpusCoversWhatTheBriefAsksFor() {
        assertThat(OFFERS.size() + ANSWERS.size() + 1).isBetween(12, 20); // + cisco-spa-offer-as-published.sdp
        long vendors = everyFile().map(f -> f.substring(0, f.indexOf('-'))).filter(v -> !v.equals("derived")).distinct().count();
        assertThat(vendors).isGreaterThanOrEqualTo(6);
    }

    // ------------------------------------------------------------------ offers

    @ParameterizedTest(name = "{0}")
    @MethodSource("offers")
    void offerGoesThroughTheRelay(String file) throws IOException {
        byte[] bytes = read(file);
        SessionDescription original = SessionDescription.parse(bytes);
        String callId = callId(file);
        try {
            RelayResult result = relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", false, bytes));

            if (WRONG_KEY_LENGTH.contains(file)) {
                // RFC 4568 §7.1.1: the answerer picks an acceptable line; the malformed one is skipped
                assertThat(result).isInstanceOf(RelayResult.Relayed.class);
                // with no other usable line, the offer is refused, naming the problem and not the key
                String onlyTheBadLine = new String(bytes, StandardCharsets.UTF_8).replaceAll("a=crypto:[23] [^\r\n]*\r?\n", "");
                relay.releaseCall(callId);
                RelayResult refusedResult = relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", false,
                        onlyTheBadLine.getBytes(StandardCharsets.UTF_8)));
                assertThat(refusedResult).isInstanceOf(RelayResult.Refused.class);
                RelayResult.Refused refused = (RelayResult.Refused) refusedResult;
                assertThat(refused.sipStatus()).isEqualTo(400);
                assertThat(refused.reason()).contains("AES_CM_128_HMAC_SHA1_80 needs 30 bytes", "carries 27");
                assertThat(refused.reason()).doesNotContain("NzFlNTUw"); // the key never reaches a log or a Warning
                return;
            }
            if (plainOnly(original)) {
                // RFC 3264 §5 / Voxgate policy: a tenant that requires SRTP gets 488 for an RTP/AVP offer...
                assertThat(result).isInstanceOf(RelayResult.Refused.class);
                assertThat(((RelayResult.Refused) result).sipStatus()).isEqualTo(488);
                // ...and a tenant allowed plain RTP has the offer relayed, secured towards the callee.
                result = relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", true, bytes));
            }
            assertThat(result).isInstanceOf(RelayResult.Relayed.class);
            assertRelayedOffer(original, SessionDescription.parse(((RelayResult.Relayed) result).sdp()), bytes);
        } finally {
            relay.releaseCall(callId);
        }
    }

    private static void assertRelayedOffer(SessionDescription original, SessionDescription relayed, byte[] originalBytes) {
        assertSessionLevel(original, relayed);
        assertThat(relayed.media()).hasSameSizeAs(original.media());
        String originalText = new String(originalBytes, StandardCharsets.UTF_8);
        String relayedText = new String(relayed.toBytes(), StandardCharsets.UTF_8);
        for (int i = 0; i < original.media().size(); i++) {
            MediaDescription in = original.media().get(i);
            MediaDescription out = relayed.media().get(i);
            assertThat(out.media()).isEqualTo(in.media());
            assertThat(out.formats()).isEqualTo(in.formats());
            if (in.isRejected() || !in.proto().startsWith("RTP/")) {
                assertThat(out.port()).as("declined stream %d stays declined", i).isZero();
                assertThat(cryptoLines(out)).isEmpty();
                assertThat(nonCrypto(out)).containsExactlyElementsOf(nonCrypto(in));
                continue;
            }
            assertRelayPort(out.port());
            assertThat(out.proto()).isEqualTo(in.isSecure() ? in.proto() : in.proto().replace("/AVP", "/SAVP"));
            assertThat(relayed.connectionAddress(out)).hasValueSatisfying(a -> assertThat(a).isIn(RELAY, "0.0.0.0"));
            assertUnchangedBesidesTransport(in, out);

            // exactly the relay's three suites, tags 1-3, strongest first, fresh keys
            List<SdesCrypto> crypto = out.cryptoLines();
            assertThat(crypto).extracting(SdesCrypto::tag).containsExactly(1, 2, 3);
            assertThat(crypto).extracting(SdesCrypto::suite).containsExactly(
                    CryptoSuite.AES_256_CM_HMAC_SHA1_80, CryptoSuite.AES_CM_128_HMAC_SHA1_80, CryptoSuite.AES_CM_128_HMAC_SHA1_32);
            assertThat(cryptoLines(out)).hasSize(3).allSatisfy(line -> assertThat(line).doesNotContain("|"));
        }
        // none of the phone's keys, anywhere in what the callee gets
        for (String key : inlineKeys(originalText)) {
            assertThat(relayedText).doesNotContain(key);
        }
    }

    @Test
    void ciscoSpaTraceAsPublishedWithTrailingSpacesIsRelayedAndItsDirectionRead() throws IOException {
        // The trace in sipwise/rtpengine#153 has a space at the end of every line. RFC 4566 gives it
        // no room, but the relay drops trailing white space rather than the call.
        byte[] bytes = read("cisco-spa-offer-as-published.sdp");
        String callId = callId("spa-as-published");
        try {
            SessionDescription sdp = SessionDescription.parse(bytes);
            assertThat(sdp.media().get(0).direction()).contains("sendrecv");
            assertThat(relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", false, bytes)))
                    .isInstanceOf(RelayResult.Relayed.class);
        } finally {
            relay.releaseCall(callId);
        }
    }

    @Test
    void holdWithConnectionAddressZeroStaysAHold() throws IOException {
        // pjsua before 1.0 held calls with c=0.0.0.0 and a=inactive (pjproject ticket 563). RFC 3264
        // §8.4: c=0.0.0.0 means "send me nothing"; the relay passes it on and sends that phone nothing.
        byte[] bytes = read("pjsip-hold-inactive-c0-offer.sdp");
        String callId = callId("hold-c0");
        try {
            SessionDescription out = relayed(relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", false, bytes)));
            assertThat(out.connectionAddress()).contains("0.0.0.0");
            assertThat(out.media().get(0).direction()).contains("inactive");
            assertThat(out.isHold()).isTrue();
        } finally {
            relay.releaseCall(callId);
        }
    }

    @Test
    void polycomsUnencryptedSrtcpIsEchoedInTheAnswer() throws IOException {
        // The VVX offers UNENCRYPTED_SRTCP on every line. RFC 4568 §6.3.2: the answer accepts a
        // declarative session parameter by repeating it (a missing one is what made a VVX answer
        // 488 in the greiginsydney.com report).
        byte[] offer = read("polycom-vvx-unencrypted-srtcp-offer.sdp");
        String callId = callId("polycom-params");
        try {
            SessionDescription toCallee = relayed(relay.offer(new RelayOffer("acme", callId, "z9hG4bK-1", "tag", false, offer)));
            String answer = new String(read("yealink-t4x-answer.sdp"), StandardCharsets.UTF_8)
                    .replaceFirst("a=crypto:1 ", "a=crypto:2 ");
            assertThat(toCallee.media().get(0).cryptoLines().get(1).suite()).isEqualTo(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
            assertThat(new String(toCallee.toBytes(), StandardCharsets.UTF_8)).as("the relay asks the callee for nothing weaker")
                    .doesNotContain("UNENCRYPTED");
            byte[] toCaller = ((RelayResult.Relayed) relay.answer(new RelayAnswer(callId, "z9hG4bK-1", "callee-tag", true,
                    answer.getBytes(StandardCharsets.UTF_8)))).sdp();
            String text = new String(toCaller, StandardCharsets.UTF_8);
            assertThat(text).containsPattern("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\\S+ UNENCRYPTED_SRTCP");
        } finally {
            relay.releaseCall(callId);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Session level: c= and o= name the relay, every other line as it came. */
    private static void assertSessionLevel(SessionDescription original, SessionDescription relayed) {
        assertThat(relayed.sessionLines()).hasSameSizeAs(original.sessionLines());
        for (int i = 0; i < original.sessionLines().size(); i++) {
            SdpLine in = original.sessionLines().get(i);
            SdpLine out = relayed.sessionLines().get(i);
            assertThat(out.type()).isEqualTo(in.type());
            if (in.type() == 'c') {
                assertThat(out.value()).isEqualTo(isHold(in) ? in.value() : "IN IP4 " + RELAY);
            } else if (in.type() == 'o') {
                String[] before = in.value().split(" ");
                assertThat(out.value()).isEqualTo(before[0] + " " + before[1] + " " + before[2] + " IN IP4 " + RELAY);
            } else {
                assertThat(out).isEqualTo(in);
            }
        }
    }

    /** Every line but a=crypto unchanged and in order, except c= (the relay's) and a=rtcp (the relay's port + 1). */
    private static void assertUnchangedBesidesTransport(MediaDescription in, MediaDescription out) {
        List<SdpLine> before = nonCrypto(in);
        List<SdpLine> after = nonCrypto(out);
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            SdpLine line = before.get(i);
            if (line.type() == 'c') {
                assertThat(after.get(i).value()).isEqualTo(isHold(line) ? line.value() : "IN IP4 " + RELAY);
            } else if (line.isAttribute("rtcp")) {
                String[] parts = line.attributeValue().split(" ");
                String suffix = parts.length == 4 ? " IN IP4 " + (parts[3].equals("0.0.0.0") ? "0.0.0.0" : RELAY) : "";
                // RFC 5761 §5.1.3: with rtcp-mux, an a=rtcp naming the RTP port keeps naming it
                boolean muxedOnRtpPort = in.hasRtcpMux() && Integer.parseInt(parts[0]) == in.port();
                assertThat(after.get(i).value()).isEqualTo("rtcp:" + (muxedOnRtpPort ? out.port() : out.port() + 1) + suffix);
            } else {
                assertThat(after.get(i)).isEqualTo(line);
            }
        }
    }

    /** RFC 3264 §8.4: c=0.0.0.0 is a hold the RFC 2543 way; the relay passes it on as it is. */
    private static boolean isHold(SdpLine connection) {
        return connection.value().endsWith(" 0.0.0.0");
    }

    private static void assertRelayPort(int port) {
        assertThat(port).isBetween(PORT_MIN, PORT_MAX);
        assertThat(port % 2).as("RTP on an even port (RFC 3550 §11)").isZero();
    }

    private static boolean plainOnly(SessionDescription sdp) {
        return sdp.media().stream().filter(m -> !m.isRejected() && m.proto().startsWith("RTP/")).noneMatch(MediaDescription::isSecure);
    }

    private static SessionDescription relayed(RelayResult result) {
        assertThat(result).isInstanceOf(RelayResult.Relayed.class);
        return SessionDescription.parse(((RelayResult.Relayed) result).sdp());
    }

    private static List<SdpLine> nonCrypto(MediaDescription stream) {
        return stream.lines().stream().filter(line -> !line.isAttribute("crypto")).toList();
    }

    private static List<String> cryptoLines(MediaDescription stream) {
        return stream.lines().stream().filter(line -> line.isAttribute("crypto")).map(SdpLine::value).toList();
    }

    private static List<String> inlineKeys(String sdp) {
        List<String> keys = new ArrayList<>();
        Matcher m = INLINE.matcher(sdp);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static List<String> lines(byte[] sdp) {
        return Arrays.stream(new String(sdp, StandardCharsets.UTF_8).split("\r?\n")).filter(l -> !l.isEmpty()).toList();
    }

    private static String callId(String name) {
        return "corpus-" + CALLS.incrementAndGet() + "-" + name;
    }

    private static byte[] read(String file) throws IOException {
        try (InputStream in = SdpCorpusTest.class.getResourceAsStream(DIR + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }
}
