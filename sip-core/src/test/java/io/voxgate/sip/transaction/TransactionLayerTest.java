package io.voxgate.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestPhone;
import io.voxgate.sip.TestSipClient.Response;

/**
 * RFC 3261 §17 as phones see it through the switch: retransmissions, the ACK of a non-2xx, CANCEL
 * matching, and the timers that end transactions nobody finishes. T1 is 25 ms here, so the 64*T1
 * timers (B, F, H, L, M) fire after 1.6 s instead of 32 s.
 */
class TransactionLayerTest {

    private static final String ACME = "pbx.acme.example";
    private static final Duration T1 = Duration.ofMillis(25);
    private static final Duration SIXTY_FOUR_T1 = T1.multipliedBy(64);

    @RegisterExtension
    static final RunningSipSwitchAccess sip = RunningSipSwitchAccess.withT1(T1);

    private static TestPhone phone(String user) throws Exception {
        return new TestPhone(sip.client(), user, ACME, RunningSipSwitchAccess.PASSWORD);
    }

    /** Each test starts with no transaction left over from the one before (they linger at most 64*T1). */
    @BeforeEach
    void noTransactionsLeft() throws InterruptedException {
        awaitTransactions("server", 0, SIXTY_FOUR_T1.multipliedBy(2));
        awaitTransactions("client", 0, SIXTY_FOUR_T1.multipliedBy(2));
    }

    @Test
    void aCancelWhileTheCalleeIsStillBeingDialledEndsTheCallAtOnce() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress()); TestPhone alice = phone("1001")) {
            List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread.ofVirtual().start(() -> {
                try {
                    held.add(silent.accept()); // accepts the TCP connection and never answers the TLS handshake
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            try {
                callAndCancelWhileDialling(silent, alice);
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    private static void callAndCancelWhileDialling(ServerSocket silent, TestPhone alice) throws Exception {
        {
            try (TestPhone bob = phone("1002")) {
                bob.register("<sip:1002@127.0.0.1:" + silent.getLocalPort() + ";transport=tls>");
            }
            awaitFlowsAtMost(1); // bob's registration connection is gone: the switch must dial his contact

            Response trying = alice.authenticatedInvite("1002@" + ACME, "call-dialling", "z9hG4bKdialling", "");
            assertThat(trying.status()).isEqualTo(100);
            alice.sip.sendRaw(alice.cancel("1002@" + ACME, "call-dialling", "z9hG4bKdialling", trying));

            assertThat(alice.sip.readResponse().status()).isEqualTo(200); // for the CANCEL
            Response terminated = alice.sip.readResponse();
            assertThat(terminated.status()).isEqualTo(487);
            assertThat(terminated.header("CSeq")).endsWith("INVITE");
            assertThat(alice.sip.readResponseWithin(Duration.ofMillis(300))).isEmpty(); // nothing else follows
        }
    }

    @Test
    void aRetransmittedInviteGetsTheLastProvisionalAgainAndIsNotForwardedTwice() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            alice.callRinging(bob, "call-retx", "z9hG4bKretx");

            alice.sip.sendRaw(lastSent(alice, "call-retx", "z9hG4bKretx")); // the same INVITE, same branch

            assertThat(alice.sip.readResponse().status()).isEqualTo(180);
            assertThat(bob.sip.readResponseWithin(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void theAckOfANon2xxEndsItsServerTransaction() throws Exception {
        try (TestPhone alice = phone("1001")) {
            Response challenge = alice.sip.send(alice.request("INVITE", "1002@" + ACME, "call-ack407", "z9hG4bKack407", ""));
            assertThat(challenge.status()).isEqualTo(407);
            assertThat(transactions("server")).isEqualTo(1); // completed, waiting for the ACK (Timer H)

            alice.sip.sendRaw(ackOf(alice, challenge, "z9hG4bKack407"));

            awaitTransactions("server", 0, SIXTY_FOUR_T1.dividedBy(2)); // well before Timer H would have ended it
            assertThat(transactions("server")).isZero();
        }
    }

    @Test
    void withoutAnAckTimerHEndsTheServerTransaction() throws Exception {
        try (TestPhone alice = phone("1001")) {
            assertThat(alice.sip.send(alice.request("INVITE", "1002@" + ACME, "call-noack", "z9hG4bKnoack", "")).status()).isEqualTo(407);
            assertThat(transactions("server")).isEqualTo(1);

            awaitTransactions("server", 0, SIXTY_FOUR_T1.multipliedBy(2));
            assertThat(transactions("server")).isZero();
        }
    }

    @Test
    void aCalleeThatNeverAnswersIsGivenUpWith408ByTimerB() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            assertThat(alice.callReaching(bob, "call-silent", "z9hG4bKsilent").method()).isEqualTo("INVITE"); // and bob says nothing

            Response timedOut = alice.skipTrying(alice.sip.readResponse());

            assertThat(timedOut.status()).isEqualTo(408);
        }
    }

    @Test
    void aNonInviteThatGetsNoAnswerEndsSilentlyByTimerF() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            bob.register();
            Response challenge = alice.sip.send(alice.request("MESSAGE", "1002@" + ACME, "msg-silent", "z9hG4bKmsg-1", ""));
            String authorization = io.voxgate.sip.TestSipClient.authorization(challenge.all("Proxy-Authenticate").getLast(), "MESSAGE",
                    "sip:1002@" + ACME, "1001", RunningSipSwitchAccess.PASSWORD, 1).replace("Authorization:", "Proxy-Authorization:");
            alice.sip.sendRaw(alice.request("MESSAGE", "1002@" + ACME, "msg-silent", "z9hG4bKmsg", authorization));
            assertThat(bob.sip.readResponse().method()).isEqualTo("MESSAGE");

            // RFC 4320 §4.1: no 408 for a non-INVITE; both transactions end with Timer F
            assertThat(alice.sip.readResponseWithin(SIXTY_FOUR_T1.multipliedBy(2))).isEmpty();
            awaitTransactions("server", 0, SIXTY_FOUR_T1);
            assertThat(transactions("server")).isZero();
            assertThat(transactions("client")).isZero();
        }
    }

    @Test
    void aCallerWhoseConnectionDropsWhileTheCalleeRingsCancelsTheCall() throws Exception {
        try (TestPhone bob = phone("1002")) {
            Response invite;
            try (TestPhone alice = phone("1001")) {
                invite = alice.callRinging(bob, "call-caller-gone", "z9hG4bKcallergone");
            } // alice's phone loses its connection with bob ringing

            Response cancel = bob.sip.readResponse();

            assertThat(cancel.method()).isEqualTo("CANCEL"); // §17.2.4: nobody is left to answer
            assertThat(cancel.header("Call-ID")).isEqualTo(invite.header("Call-ID"));
        }
    }

    @Test
    void unacknowledged407sEndWithTheirConnection() throws Exception {
        try (TestPhone mallory = phone("1001")) {
            for (int i = 0; i < 20; i++) { // challenged INVITEs whose 407s are never ACKed
                assertThat(mallory.sip.send(mallory.request("INVITE", "1002@" + ACME, "flood-" + i, "z9hG4bKflood" + i, "")).status())
                        .isEqualTo(407);
            }
            assertThat(transactions("server")).isEqualTo(20);
        }

        awaitTransactions("server", 0, SIXTY_FOUR_T1.dividedBy(2)); // well before Timer H
        assertThat(transactions("server")).isZero();
    }

    @Test
    void aCalleeWhoseConnectionDropsDuringSetupEndsTheCallWith500() throws Exception {
        try (TestPhone alice = phone("1001")) {
            try (TestPhone bob = phone("1002")) {
                bob.register("<sip:1002@127.0.0.1:9;transport=tls>"); // nothing listens there: it cannot be dialled back
                alice.authenticatedInvite("1002@" + ACME, "call-drop", "z9hG4bKdrop", "");
                assertThat(bob.sip.readResponse().method()).isEqualTo("INVITE");
            } // bob's connection closes with the INVITE unanswered

            Response failed = alice.skipTrying(alice.sip.readResponse());

            // §16.9: the transport error counts as a 503, which §16.7 step 6 turns into 500 upstream
            assertThat(failed.status()).isEqualTo(500);
        }
    }

    @Test
    void aRetransmitted2xxFromTheCalleeStillReachesTheCaller() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            Response invite = alice.callReaching(bob, "call-2xx", "z9hG4bK2xx");
            String ok = TestPhone.answer(invite, 200, "OK", bob.contact());

            bob.sip.sendRaw(ok);
            bob.sip.sendRaw(ok); // RFC 6026: the 2xx again, as a UAS that saw no ACK yet sends it

            assertThat(alice.sip.readResponse().status()).isEqualTo(200);
            assertThat(alice.sip.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void aCancelBeforeTheCalleeRangWaitsForItsFirstProvisional() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            Response invite = alice.callReaching(bob, "call-early", "z9hG4bKearly");

            alice.sip.sendRaw(alice.cancel("1002@" + ACME, "call-early", "z9hG4bKearly", invite));
            assertThat(alice.sip.readResponse().status()).isEqualTo(200);
            assertThat(bob.sip.readResponseWithin(Duration.ofMillis(300))).isEmpty(); // §9.1: no CANCEL before a provisional

            bob.sip.sendRaw(TestPhone.answer(invite, 180, "Ringing", bob.contact()));
            Response cancel = bob.sip.readResponse();
            assertThat(cancel.method()).isEqualTo("CANCEL");
            bob.sip.sendRaw(TestPhone.answer(cancel, 200, "OK", null));
            bob.sip.sendRaw(TestPhone.answer(invite, 487, "Request Terminated", null));

            assertThat(bob.sip.readResponse().method()).isEqualTo("ACK"); // the switch ACKs the 487 itself
            assertThat(alice.sip.readResponse().status()).isEqualTo(180); // provisionals pass until the final answer
            assertThat(alice.sip.readResponse().status()).isEqualTo(487);
        }
    }

    @Test
    void aCancelFromAnotherConnectionIs481AndTheCallRingsOn() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002"); TestPhone mallory = phone("1001")) {
            Response invite = alice.callRinging(bob, "call-hijack", "z9hG4bKhijack");

            // alice's CANCEL to the letter (branch and sent-by included), sent down another connection
            Response refused = mallory.sip.send(alice.cancel("1002@" + ACME, "call-hijack", "z9hG4bKhijack", invite));

            assertThat(refused.status()).isEqualTo(481);
            assertThat(bob.sip.readResponseWithin(Duration.ofMillis(300))).isEmpty();
        }
    }

    /** The INVITE on {@code branch} again; §17.2.3 matches it by branch, sent-by and method alone. */
    private static String lastSent(TestPhone phone, String callId, String branch) {
        return phone.request("INVITE", "1002@" + ACME, callId, branch, "");
    }

    private static String ackOf(TestPhone phone, Response answer, String branch) {
        return "ACK sip:1002@" + ACME + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + phone.sip.localPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + answer.header("From") + "\r\nTo: " + answer.header("To") + "\r\n"
                + "Call-ID: " + answer.header("Call-ID") + "\r\n"
                + "CSeq: " + answer.header("CSeq").replace("INVITE", "ACK") + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static double transactions(String side) {
        return sip.metrics().get("voxgate.sip.transactions").tag("side", side).gauge().value();
    }

    private static void awaitTransactions(String side, int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (transactions(side) != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void awaitFlowsAtMost(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sip.flows().size() > count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
