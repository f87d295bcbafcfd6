package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A call's media life through the relay with two real baresip phones (SRTP mandatory over TLS):
 * hold and resume by re-INVITE, and the media timeout that ends a call whose phone died. The
 * switch runs with {@code media.inactivity-timeout-seconds: 5}; each test gets its own switch and
 * phones, since one of them kills a phone.
 */
class BaresipMediaLifecycleTest {

    private static final String PASSWORD = "baresip-password-456";
    private static final Duration SIGNALLING = Duration.ofSeconds(15);
    private static final int TIMEOUT_SECONDS = 5;
    private static final int SAMPLE_RATE = 8_000;

    private Path base;
    private SwitchRuntime runtime;
    private Baresip caller;
    private Baresip callee;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Baresip.EXECUTABLE), "no baresip: apt-get install baresip-core");
        base = TestSwitch.newBaseDir();
        runtime = TestSwitch.start(TestSwitch.settings(base, "digest-algorithms: [MD5]",
                "inactivity-timeout-seconds: " + TIMEOUT_SECONDS));
        TestSwitch.addDemoUser(runtime, "4101", "Caller", PASSWORD);
        TestSwitch.addDemoUser(runtime, "4102", "Callee", PASSWORD);
        caller = Baresip.registeredTo(runtime, base, "4101", PASSWORD, 440, "manual");
        callee = Baresip.registeredTo(runtime, base, "4102", PASSWORD, 660, "auto");
        caller.awaitRegistered(SIGNALLING);
        callee.awaitRegistered(SIGNALLING);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (Baresip phone : new Baresip[] {caller, callee}) {
                if (phone != null) {
                    phone.close();
                }
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

    @Test
    void aCallOnHoldOutlivesTheMediaTimeoutAndResumesWithMediaBothWays() throws Exception {
        int callerMark = caller.mark();
        caller.command("dial", "sip:4102@localhost", SIGNALLING);
        caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING);
        awaitDecodedBytes(caller, 2L * SAMPLE_RATE); // a second of the callee's tone
        assertThat(ToneWav.dominantFrequency(decoded(caller).orElseThrow())).as("the caller hears the callee, Hz").isCloseTo(660, within(20));

        caller.command("hold", "", SIGNALLING); // re-INVITE a=sendonly, answered a=recvonly
        Thread.sleep(Duration.ofSeconds(TIMEOUT_SECONDS + 3).toMillis()); // longer than the timeout, its sweep included
        assertThat(caller.activeCalls()).as("the held call is still up").isEqualTo(1);
        assertThat(callee.activeCalls()).isEqualTo(1);

        long callerHeardBefore = receivedPackets(caller);
        long calleeHeardBefore = receivedPackets(callee);
        caller.command("resume", "", SIGNALLING); // re-INVITE a=sendrecv
        Thread.sleep(3_000);

        // baresip counts a packet received once SRTP authenticated it with the key the relay gave that phone
        // (its decoded-audio recording cannot tell: baresip 1.0 leaves sndfile out of the rx pipeline it rebuilds on a re-INVITE)
        assertThat(receivedPackets(caller) - callerHeardBefore).as("packets the caller got after resuming").isGreaterThan(100);
        assertThat(receivedPackets(callee) - calleeHeardBefore).as("packets the callee got after resuming").isGreaterThan(100);
        assertThat(counter("voxgate.media.inactivity.timeouts")).isZero();
        assertThat(counter("voxgate.media.dropped", "auth-failed")).isZero();
    }

    /**
     * RTP packets the phone's call has received so far, from every sender ({@code audio_debug}'s
     * RTCP section: "member ... rcvd=N"); baresip counts a packet there once SRTP authenticated it.
     */
    private static long receivedPackets(Baresip phone) throws Exception {
        String debug = phone.command("audio_debug", "", SIGNALLING).path("data").asText();
        java.util.regex.Matcher received = java.util.regex.Pattern.compile("rcvd=(\\d+)").matcher(debug);
        long total = 0;
        boolean found = false;
        while (received.find()) {
            total += Long.parseLong(received.group(1));
            found = true;
        }
        if (!found) {
            throw new AssertionError("no receive counts in audio_debug: " + debug);
        }
        return total;
    }

    @Test
    void whenThePhoneAtOneEndDiesTheMediaTimeoutEndsTheCallForTheOther() throws Exception {
        int callerMark = caller.mark();
        caller.command("dial", "sip:4102@localhost", SIGNALLING);
        caller.awaitEvent("CALL_ESTABLISHED", callerMark, SIGNALLING);
        awaitDecodedBytes(caller, 2L * SAMPLE_RATE);

        callee.kill(); // power cut: no BYE, no more media; the caller keeps sending

        caller.awaitEvent("CALL_CLOSED", callerMark, Duration.ofSeconds(TIMEOUT_SECONDS * 3));
        assertThat(counter("voxgate.media.inactivity.timeouts")).isEqualTo(1);
        assertThat(counter("voxgate.sip.calls.ended.by.switch")).isEqualTo(1);
        assertThat(runtime.meters().get("voxgate.media.sessions").gauge().value()).isZero();
    }

    private double counter(String name) {
        return runtime.meters().get(name).counter().count();
    }

    private double counter(String name, String reason) {
        return runtime.meters().get(name).tag("reason", reason).counter().count();
    }

    /** The newest recording of decoded audio: sndfile starts a new file when a re-INVITE restarts the stream. */
    private static Optional<Path> decoded(Baresip phone) throws java.io.IOException {
        try (var recordings = Files.list(phone.recordings())) {
            return recordings.filter(p -> p.getFileName().toString().endsWith("-dec.wav"))
                    .max(java.util.Comparator.comparing(p -> p.toFile().lastModified()));
        }
    }

    /** Decoded audio in all recordings so far, in bytes. */
    private static long decodedBytes(Baresip phone) throws java.io.IOException {
        try (var recordings = Files.list(phone.recordings())) {
            return recordings.filter(p -> p.getFileName().toString().endsWith("-dec.wav")).mapToLong(p -> p.toFile().length() - 44).sum();
        }
    }

    private static void awaitDecodedBytes(Baresip phone, long bytes) throws Exception {
        long deadline = System.nanoTime() + SIGNALLING.toNanos();
        while (decodedBytes(phone) < bytes) {
            if (System.nanoTime() > deadline) {
                String files;
                try (var recordings = Files.list(phone.recordings())) {
                    files = recordings.map(p -> p.getFileName() + "=" + p.toFile().length()).toList().toString();
                }
                throw new AssertionError("no " + bytes + " bytes of decoded audio in " + files + "\n" + phone.log());
            }
            Thread.sleep(100);
        }
    }
}
