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
 * mandatory. The switch passes SDP through unchanged (no relay yet), so the SRTP runs end to end
 * between the phones. baresip 1.x gives up on a 401 offering any algorithm but MD5, hence the
 * switch runs with {@code sip.digest-algorithms: [MD5]}.
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
        caller = phone("4001", CALLER_TONE_HZ, "manual");
        callee = phone("4002", CALLEE_TONE_HZ, "auto");
    }

    private static Baresip phone(String extension, int toneHz, String answerMode) throws Exception {
        Path dir = Files.createDirectories(base.resolve("baresip-" + extension));
        Path tone = dir.resolve("tone-" + toneHz + ".wav");
        ToneWav.write(tone, toneHz, SAMPLE_RATE, 60);
        // sips: URIs make libre 1.1 fail with ENOSYS; sip: with transport=tls is TLS all the same.
        String account = "<sip:" + extension + "@localhost;transport=tls>;auth_pass=" + PASSWORD
                + ";outbound=\"sip:127.0.0.1:" + runtime.sipTlsPort() + ";transport=tls\";regint=300"
                + ";mediaenc=srtp-mand;answermode=" + answerMode;
        return Baresip.start(extension, dir, base.resolve("data/pki/root-ca.pem"), tone, account);
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
        assertThat(caller.awaitEvent("REGISTER_OK", 0, SIGNALLING).path("accountaor").asText()).contains("4001@localhost");
        assertThat(callee.awaitEvent("REGISTER_OK", 0, SIGNALLING).path("accountaor").asText()).contains("4002@localhost");
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
        caller.awaitEvent("REGISTER_OK", 0, SIGNALLING);
        callee.awaitEvent("REGISTER_OK", 0, SIGNALLING);
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
