package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interop with two real softphones: Debian 12's baresip 1.0.0 (libre 1.1.0; .ci/run installs
 * baresip-core) register over TLS with digest and call each other through the switch with SRTP
 * mandatory. The media is anchored in the switch's relay, which re-keys each leg: a tshark
 * capture on loopback shows it (.ci/run installs tshark). baresip 1.x gives up on a 401 offering
 * any algorithm but MD5, hence the switch runs with {@code sip.digest-algorithms: [MD5]}.
 */
class BaresipInteropTest {

    private static final String PASSWORD = "baresip-password-123";
    private static final int CALLER_TONE_HZ = 440;
    private static final int CALLEE_TONE_HZ = 660;
    private static final Duration SIGNALLING = Duration.ofSeconds(15);
    private static final int SAMPLE_RATE = 8_000; // G.711

    private static Path base;
    private static SwitchRuntime runtime;
    private static Baresip caller;
    private static Baresip callee;

    private int callerMark;
    private int calleeMark;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Baresip.EXECUTABLE)) {
            System.err.println("\n*** BaresipInteropTest SKIPPED: no " + Baresip.EXECUTABLE
                    + " (apt-get install baresip-core; .ci/run does) ***\n");
        }
        assumeTrue(Files.isExecutable(Baresip.EXECUTABLE), "no baresip: apt-get install baresip-core");
        base = TestSwitch.newBaseDir();
        runtime = TestSwitch.start(TestSwitch.settings(base, "digest-algorithms: [MD5]"));
        TestSwitch.addDemoUser(runtime, "4001", "Baresip caller", PASSWORD);
        TestSwitch.addDemoUser(runtime, "4002", "Baresip callee", PASSWORD);
        caller = Baresip.registeredTo(runtime, base, "4001", PASSWORD, CALLER_TONE_HZ, "manual");
        callee = Baresip.registeredTo(runtime, base, "4002", PASSWORD, CALLEE_TONE_HZ, "auto");
    }

    @AfterEach
    void hangUpWhatIsLeft() throws Exception {
        for (Baresip phone : phonesStarted()) {
            for (int calls = phone.activeCalls(); calls > 0; calls--) {
                int mark = phone.mark();
                phone.command("hangup", "", SIGNALLING);
                phone.awaitEvent("CALL_CLOSED", mark, SIGNALLING);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (Baresip phone : phonesStarted()) {
                phone.close();
            }
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            if (base != null) {
                TestSwitch.delete(base);
            }
        }
    }

    private static List<Baresip> phonesStarted() {
        return Stream.of(caller, callee).filter(Objects::nonNull).toList();
    }

    @Test
    void bothPhonesRegisterOverTlsWithMd5Digest() throws Exception {
        assertThat(caller.awaitRegistered(SIGNALLING)).contains("4001@localhost");
        assertThat(callee.awaitRegistered(SIGNALLING)).contains("4002@localhost");
    }

    @Test
    void aCallThroughTheSwitchIsEstablishedOnBothPhonesWithSrtp() throws Exception {
        dialCallee();

        assertThat(caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING).path("peeruri").asText()).contains("4002@localhost");
        assertThat(callee.awaitEvent("CALL_ESTABLISHED", calleeMark, SIGNALLING).path("peeruri").asText()).contains("4001@localhost");
        assertThat(caller.awaitEvent("CALL_MENC", callerMark, SIGNALLING).path("param").asText()).endsWith("AES_CM_128_HMAC_SHA1_80");
        assertThat(callee.awaitEvent("CALL_MENC", calleeMark, SIGNALLING).path("param").asText()).endsWith("AES_CM_128_HMAC_SHA1_80");
    }

    @Test
    void eachPhoneHearsTheOthersToneOverSrtp() throws Exception {
        dialCallee();
        caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING);
        Path calleeHears = awaitRecordedAudio(callee, Duration.ofSeconds(2));
        Path callerHears = awaitRecordedAudio(caller, Duration.ofSeconds(2));

        hangUpAndAwaitClose();

        assertThat(ToneWav.dominantFrequency(calleeHears)).as("what the callee hears, Hz").isCloseTo(CALLER_TONE_HZ, within(20));
        assertThat(ToneWav.dominantFrequency(callerHears)).as("what the caller hears, Hz").isCloseTo(CALLEE_TONE_HZ, within(20));
    }

    /**
     * The phones send their media to the relay's ports only (their SDP was rewritten), each leg
     * carries different ciphertext for the same packet (re-keyed), and no packet on the wire
     * carries the caller's tone in clear: read as G.711, every payload is noise.
     */
    @Test
    void theRelayAnchorsTheMediaAndNoPlaintextRtpCrossesTheWire() throws Exception {
        assumeTrue(Files.isExecutable(LoopbackCapture.TSHARK), "no tshark: apt-get install tshark");
        java.util.List<LoopbackCapture.Datagram> captured;
        try (LoopbackCapture capture = LoopbackCapture.start(base,
                "udp portrange " + TestSwitch.RELAY_PORT_MIN + "-" + TestSwitch.RELAY_PORT_MAX)) {
            dialCallee();
            caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING);
            Path calleeHears = awaitRecordedAudio(callee, Duration.ofSeconds(2));
            hangUpAndAwaitClose();
            captured = capture.stop();
            assertThat(ToneWav.dominantFrequency(calleeHears)).as("the callee still hears the caller, Hz").isCloseTo(CALLER_TONE_HZ, within(20));
        }

        java.util.List<LoopbackCapture.Datagram> toRelay = captured.stream().filter(d -> isRelayPort(d.destinationPort())).toList();
        java.util.List<LoopbackCapture.Datagram> fromRelay = captured.stream().filter(d -> isRelayPort(d.sourcePort())).toList();
        assertThat(toRelay).as("phones send media to the relay").hasSizeGreaterThan(50);
        assertThat(fromRelay).as("the relay sends media to the phones").hasSizeGreaterThan(50);

        java.util.Map<String, byte[]> sentByPhones = new java.util.HashMap<>();
        toRelay.stream().filter(d -> isRtp(d.payload())).forEach(d -> sentByPhones.put(ssrcAndSequence(d.payload()), d.payload()));
        long reKeyed = fromRelay.stream().filter(d -> isRtp(d.payload()))
                .filter(d -> sentByPhones.containsKey(ssrcAndSequence(d.payload())))
                .filter(d -> !java.util.Arrays.equals(payloadOf(d.payload()), payloadOf(sentByPhones.get(ssrcAndSequence(d.payload())))))
                .count();
        long forwarded = fromRelay.stream().filter(d -> isRtp(d.payload())).filter(d -> sentByPhones.containsKey(ssrcAndSequence(d.payload()))).count();
        assertThat(forwarded).as("packets seen on both legs").isGreaterThan(50);
        assertThat(reKeyed).as("every forwarded packet carries other ciphertext than it came with").isEqualTo(forwarded);

        double loudest = captured.stream().filter(d -> isRtp(d.payload()))
                .mapToDouble(d -> ToneWav.toneShareOfMuLaw(payloadOf(d.payload()), CALLER_TONE_HZ, SAMPLE_RATE)).max().orElseThrow();
        assertThat(loudest).as("share of the 440 Hz tone in the most tone-like payload on the wire (noise: about 2/150 each)").isLessThan(0.3);
        assertThat(ToneWav.toneShareOfMuLaw(plainTone(CALLER_TONE_HZ), CALLER_TONE_HZ, SAMPLE_RATE))
                .as("the same measure on the tone in clear").isGreaterThan(0.9);
    }

    private static boolean isRelayPort(int port) {
        return port >= TestSwitch.RELAY_PORT_MIN && port <= TestSwitch.RELAY_PORT_MAX;
    }

    /** RTP version 2 and not an RTCP packet type (RFC 5761 §4). */
    private static boolean isRtp(byte[] packet) {
        return packet.length > 12 + 10 && (packet[0] & 0xC0) == 0x80 && ((packet[1] & 0xFF) < 192 || (packet[1] & 0xFF) > 223);
    }

    private static String ssrcAndSequence(byte[] rtp) {
        return java.util.HexFormat.of().formatHex(rtp, 8, 12) + ":" + java.util.HexFormat.of().formatHex(rtp, 2, 4);
    }

    /** The RTP payload without the header and the 80-bit SRTP tag. */
    private static byte[] payloadOf(byte[] srtp) {
        return java.util.Arrays.copyOfRange(srtp, 12, srtp.length - 10);
    }

    /** 20 ms of the tone as G.711 μ-law, as a phone would send it without SRTP. */
    private static byte[] plainTone(int hz) {
        byte[] payload = new byte[160];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = ToneWav.linearToMuLaw((int) Math.round(8_000 * Math.sin(2 * Math.PI * hz * i / SAMPLE_RATE)));
        }
        return payload;
    }

    @Test
    void theCallersHangupClosesTheCallOnTheCallee() throws Exception {
        dialCallee();
        callee.awaitEvent("CALL_ESTABLISHED", calleeMark, SIGNALLING);
        caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING);

        hangUpAndAwaitClose();

        assertThat(callee.activeCalls()).isZero();
        assertThat(caller.activeCalls()).isZero();
    }

    /** Once both are registered, the caller dials 4002 (the callee answers by itself); recordings start afresh. */
    private void dialCallee() throws Exception {
        caller.awaitRegistered(SIGNALLING);
        callee.awaitRegistered(SIGNALLING);
        for (Baresip phone : List.of(caller, callee)) {
            try (var recordings = Files.list(phone.recordings())) {
                for (Path recording : recordings.toList()) {
                    Files.delete(recording);
                }
            }
        }
        callerMark = caller.mark();
        calleeMark = callee.mark();
        caller.command("dial", "sip:4002@localhost", SIGNALLING);
    }

    private void hangUpAndAwaitClose() throws Exception {
        caller.command("hangup", "", SIGNALLING);
        callee.awaitEvent("CALL_CLOSED", calleeMark, SIGNALLING);
        caller.awaitEvent("CALL_CLOSED", callerMark, SIGNALLING);
    }

    /** The phone's recording of decoded audio once it holds {@code length} of it (sndfile writes as it decodes). */
    private static Path awaitRecordedAudio(Baresip phone, Duration length) throws IOException, InterruptedException {
        long wanted = 44 + 2L * SAMPLE_RATE * length.toSeconds();
        long deadline = System.nanoTime() + SIGNALLING.plus(length).toNanos();
        while (true) {
            Optional<Path> decoded;
            try (var recordings = Files.list(phone.recordings())) {
                decoded = recordings.filter(p -> p.getFileName().toString().endsWith("-dec.wav")).findFirst();
            }
            if (decoded.isPresent() && Files.size(decoded.get()) >= wanted) {
                return decoded.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + length + " of decoded audio recorded in " + phone.recordings() + ": "
                        + decoded + "\n" + phone.log());
            }
            Thread.sleep(100);
        }
    }
}
