package io.voxgate.sip.ua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.SipException;
import javax.sip.header.CSeqHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.location.AddressOfRecord;
import io.voxgate.sip.location.Binding;
import io.voxgate.sip.ua.RiUserAgent.Incoming;
import io.voxgate.sip.ua.RiUserAgent.Outgoing;

/**
 * Phones on the JAIN-SIP RI stack (its transactions, dialogs and digest helper) against the whole
 * switch over TLS: registration, calls and the edge guard, as RFC 3261 has a user agent see them.
 */
class RiStackUserAgentTest {

    private static final String ACME = "pbx.acme.example";
    private static final String GLOBEX = "pbx.globex.example";
    private static final String BOB = "sip:1002@" + ACME;

    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    private final List<RiUserAgent> phones = new ArrayList<>();
    private int connectionsBefore;

    @BeforeEach
    void countConnections() {
        connectionsBefore = sip.flows().size();
    }

    /**
     * Stops every phone, waits for the switch to see their connections close, then moves its clock
     * past the longest registration (1 h) and the edge guard's failure window: the next test
     * inherits no binding and no failed attempt from this one.
     */
    @AfterEach
    void stopPhonesAndLetTheirStateExpire() throws InterruptedException {
        try (var stopping = Executors.newVirtualThreadPerTaskExecutor()) {
            phones.forEach(phone -> stopping.execute(phone::close)); // together: each RI stack takes a second to stop
        }
        awaitConnectionsAtMost(connectionsBefore);
        sip.advanceClock(Duration.ofHours(2));
    }

    // ------------------------------------------------------------------ registration

    @Test
    void registerAnswersTheDigestChallengeAndBindsTheContact() throws Exception {
        RiUserAgent alice = acme("1001");

        Outgoing register = alice.send(alice.registerRequest(600));
        Response challenge = register.finalResponse();
        Response ok = alice.answerChallenge(register, challenge).finalResponse();

        assertThat(challenge.getStatusCode()).isEqualTo(401);
        assertThat(algorithms(challenge, WWWAuthenticateHeader.NAME)).containsExactly("SHA-256", "MD5");
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(ok.getHeader("Contact").toString()).contains(alice.contactUri()).contains("expires=600");
        assertThat(bindings("1001")).singleElement().extracting(Binding::contact).isEqualTo(alice.contactUri());
    }

    @Test
    void reRegisterRefreshesTheBinding() throws Exception {
        RiUserAgent alice = acme("1001");
        assertThat(alice.register(600).getStatusCode()).isEqualTo(200);
        Instant firstExpiry = bindings("1001").getFirst().expiresAt();

        sip.advanceClock(Duration.ofMinutes(2));
        Response refreshed = alice.register(600); // same Call-ID, higher CSeq (RFC 3261 §10.2.4)

        assertThat(refreshed.getStatusCode()).isEqualTo(200);
        assertThat(bindings("1001")).singleElement()
                .satisfies(binding -> assertThat(binding.expiresAt()).isEqualTo(firstExpiry.plus(Duration.ofMinutes(2))));
    }

    @Test
    void unregisterWithExpiresZeroRemovesTheBinding() throws Exception {
        RiUserAgent alice = acme("1001");
        assertThat(alice.register(600).getStatusCode()).isEqualTo(200);

        Response removed = alice.register(0); // RFC 3261 §10.2.2

        assertThat(removed.getStatusCode()).isEqualTo(200);
        assertThat(removed.getHeader("Contact")).isNull(); // no binding left to list
        assertThat(bindings("1001")).isEmpty();
    }

    @Test
    void wrongPasswordIsForbidden() throws Exception {
        RiUserAgent mallory = phone("1002", ACME, "not-the-password");

        Response refused = mallory.register(600);

        assertThat(refused.getStatusCode()).isEqualTo(403);
        assertThat(bindings("1002")).isEmpty();
    }

    @Test
    void anExpiredNonceIsChallengedAgainAsStaleAndTheFreshOneRegisters() throws Exception {
        RiUserAgent alice = acme("1001");
        Outgoing register = alice.send(alice.registerRequest(600));
        Response challenge = register.finalResponse();

        sip.advanceClock(Duration.ofMinutes(6)); // the switch's nonces live 5 minutes
        Outgoing late = alice.answerChallenge(register, challenge);
        Response stale = late.finalResponse();
        Response ok = alice.answerChallenge(late, stale).finalResponse();

        assertThat(stale.getStatusCode()).isEqualTo(401);
        assertThat(stale.getHeaders(WWWAuthenticateHeader.NAME)).toIterable()
                .allSatisfy(header -> assertThat(header.toString()).containsIgnoringCase("stale=true")); // RFC 7616 §3.3
        assertThat(ok.getStatusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ calls

    @Test
    void inviteIsChallengedWith407AndTheAuthenticatedCallIsAnsweredAndAcknowledged() throws Exception {
        RiUserAgent alice = acme("1001");
        RiUserAgent bob = registered("1002");

        Outgoing firstTry = alice.send(alice.inviteRequest(BOB));
        Response challenge = firstTry.finalResponse();
        Outgoing invite = alice.answerChallenge(firstTry, challenge);
        Incoming atBob = bob.nextRequest();
        atBob.answer(180);
        Response ringing = invite.nextResponse();
        atBob.answer(200);
        Response ok = invite.nextResponse();
        alice.ack(invite.dialog(), ok);
        Incoming ack = bob.nextRequest();

        assertThat(challenge.getStatusCode()).isEqualTo(407);
        assertThat(algorithms(challenge, "Proxy-Authenticate")).containsExactly("SHA-256", "MD5");
        assertThat(atBob.method()).isEqualTo(Request.INVITE);
        assertThat(atBob.request().getHeader("P-Asserted-Identity").toString()).contains("sip:1001@" + ACME);
        assertThat(atBob.request().getHeader("Proxy-Authorization")).isNull(); // credentials for the proxy stop there
        assertThat(atBob.request().getHeaders(RecordRouteHeader.NAME)).toIterable().hasSize(2);
        assertThat(new String(atBob.request().getRawContent())).isEqualTo(RiUserAgent.SDP_OFFER);
        assertThat(ringing.getStatusCode()).isEqualTo(180);
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(new String(ok.getRawContent())).isEqualTo(RiUserAgent.SDP_ANSWER);
        assertThat(ack.method()).isEqualTo(Request.ACK);
        assertThat(invite.dialog().getState()).isEqualTo(DialogState.CONFIRMED);
        assertThat(atBob.dialog().getState()).isEqualTo(DialogState.CONFIRMED);
    }

    @Test
    void cancelBeforeTheAnswerEndsTheCallWith487() throws Exception {
        RiUserAgent alice = acme("1001");
        RiUserAgent bob = registered("1002");
        Outgoing invite = alice.call(BOB);
        Incoming atBob = bob.nextRequest();
        atBob.answer(180);
        assertThat(invite.nextResponse().getStatusCode()).isEqualTo(180);

        Outgoing cancel = alice.cancel(invite); // RFC 3261 §9.1
        Response cancelOk = cancel.finalResponse();
        Incoming cancelAtBob = bob.nextRequest();
        cancelAtBob.answer(200);
        atBob.answer(487); // RFC 3261 §9.2

        assertThat(cancelOk.getStatusCode()).isEqualTo(200);
        assertThat(cancelAtBob.method()).isEqualTo(Request.CANCEL);
        assertThat(invite.finalResponse().getStatusCode()).isEqualTo(487);
    }

    @Test
    void theCallerHangsUpWithBye() throws Exception {
        Call call = establishedCall();

        Bye bye = bye(call.alice(), call.atAlice().dialog(), call.bob());

        assertThat(bye.arrived().method()).isEqualTo(Request.BYE);
        assertThat(bye.answer().getStatusCode()).isEqualTo(200);
        assertThat(call.atAlice().dialog().getState()).isEqualTo(DialogState.TERMINATED);
        assertThat(call.atBob().dialog().getState()).isEqualTo(DialogState.TERMINATED);
    }

    @Test
    void theCalleeHangsUpWithByeDownTheCallersOwnConnection() throws Exception {
        Call call = establishedCall();
        int connections = sip.flows().size();

        Bye bye = bye(call.bob(), call.atBob().dialog(), call.alice());

        assertThat(bye.arrived().request().getRequestURI().toString()).isEqualTo(call.alice().contactUri()); // RFC 3261 §12.2.1.1
        assertThat(sip.flows().size()).isEqualTo(connections); // the switch dialled no one: it used alice's connection
        assertThat(bye.answer().getStatusCode()).isEqualTo(200);
        assertThat(call.atAlice().dialog().getState()).isEqualTo(DialogState.TERMINATED);
    }

    @Test
    void inviteForksToBothContactsAndTheOneNotAnsweringIsCancelled() throws Exception {
        RiUserAgent alice = acme("1001");
        RiUserAgent desk = registered("1002");
        RiUserAgent mobile = registered("1002");
        assertThat(bindings("1002")).hasSize(2);

        Outgoing invite = alice.call(BOB);
        Incoming atDesk = desk.nextRequest();
        Incoming atMobile = mobile.nextRequest();
        atDesk.answer(180);
        atMobile.answer(180);
        atMobile.answer(200);
        Response ok = invite.finalResponse();
        alice.ack(invite.dialog(), ok);
        Incoming cancelAtDesk = desk.nextRequest();
        cancelAtDesk.answer(200);
        atDesk.answer(487);

        assertThat(atDesk.method()).isEqualTo(Request.INVITE);
        assertThat(atMobile.method()).isEqualTo(Request.INVITE);
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(ok.getHeader("Contact").toString()).contains(mobile.contactUri());
        assertThat(mobile.nextRequest().method()).isEqualTo(Request.ACK);
        assertThat(cancelAtDesk.method()).isEqualTo(Request.CANCEL); // RFC 3261 §16.7 step 10
        assertThat(atDesk.dialog().getState()).isEqualTo(DialogState.TERMINATED);
    }

    @Test
    void reInviteInTheDialogReachesTheCalleeAndIsAnswered() throws Exception {
        Call call = establishedCall();
        long initialCSeq = cseq(call.atAlice().request());

        Outgoing reInvite = call.alice().sendInDialog(call.atAlice().dialog(), Request.INVITE); // RFC 3261 §14.1
        Incoming atBob = call.bob().nextRequest();
        atBob.answer(200);
        Response ok = reInvite.finalResponse();
        call.alice().ack(call.atAlice().dialog(), ok);

        assertThat(atBob.method()).isEqualTo(Request.INVITE);
        assertThat(atBob.dialog()).isSameAs(call.atBob().dialog());
        assertThat(cseq(atBob.request())).isGreaterThan(initialCSeq);
        assertThat(atBob.request().getHeader("Proxy-Authorization")).isNull();
        assertThat(ok.getStatusCode()).isEqualTo(200);
        assertThat(call.bob().nextRequest().method()).isEqualTo(Request.ACK);
        assertThat(call.atAlice().dialog().getState()).isEqualTo(DialogState.CONFIRMED);
    }

    @Test
    void callToAnUnknownUserIs404() throws Exception {
        RiUserAgent alice = acme("1001");

        Response notFound = alice.call("sip:4040@" + ACME).finalResponse();

        assertThat(notFound.getStatusCode()).isEqualTo(404);
    }

    @Test
    void callToAUserWhosePhoneIsGoneIs480() throws Exception {
        RiUserAgent alice = acme("1001");
        RiUserAgent bob = registered("1002");
        bob.close(); // its connection closes, and its contact, which the switch then dials, refuses
        awaitConnectionsAtMost(connectionsBefore); // alice has sent nothing yet
        assertThat(bindings("1002")).hasSize(1); // a plain binding outlives its connection until it expires

        Response unavailable = alice.call(BOB).finalResponse();

        assertThat(unavailable.getStatusCode()).isEqualTo(480);
    }

    @Test
    void crossTenantCallIsRefusedAsUnknown() throws Exception {
        RiUserAgent alice = acme("1001");
        registered("2001", GLOBEX); // reachable in its own tenant

        Response refused = alice.call("sip:2001@" + GLOBEX).finalResponse();

        assertThat(refused.getStatusCode()).isEqualTo(404); // another tenant's users do not exist for acme
    }

    // ------------------------------------------------------------------ edge guard

    @Test
    void repeatedWrongPasswordsBanTheSource() throws Exception {
        RiUserAgent guesser = phone("2001", GLOBEX, "guess");
        // the RI's helper answers both challenges: every REGISTER carries two guesses, and each counts
        // towards the limit of 5 per user, so the third refused REGISTER is the last one answered
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(guesser.register(600).getStatusCode()).as("attempt %d", attempt).isEqualTo(403);
        }

        RiUserAgent another = phone("1001", ACME, RunningSipSwitchAccess.PASSWORD);
        Request register = another.registerRequest(600);

        assertThat(sip.guard().isBanned(InetAddress.getLoopbackAddress())).isTrue();
        // a banned source's new connection is closed before its TLS handshake
        assertThatThrownBy(() -> another.send(register)).isInstanceOf(SipException.class)
                .hasRootCauseInstanceOf(IOException.class);
    }

    // ------------------------------------------------------------------ helpers

    /** An answered, acknowledged call from alice (1001) to bob (1002), with each side's INVITE. */
    private record Call(RiUserAgent alice, Outgoing atAlice, RiUserAgent bob, Incoming atBob) {
    }

    private Call establishedCall() throws Exception {
        RiUserAgent alice = acme("1001");
        RiUserAgent bob = registered("1002");
        Outgoing invite = alice.call(BOB);
        Incoming atBob = bob.nextRequest();
        atBob.answer(200);
        alice.ack(invite.dialog(), invite.finalResponse());
        assertThat(bob.nextRequest().method()).isEqualTo(Request.ACK);
        return new Call(alice, invite, bob, atBob);
    }

    /** A BYE as it reached the other side, which answered it 200, and the answer the sender got. */
    private record Bye(Incoming arrived, Response answer) {
    }

    private static Bye bye(RiUserAgent from, Dialog dialog, RiUserAgent to) throws Exception {
        Outgoing bye = from.sendInDialog(dialog, Request.BYE);
        Incoming arrived = to.nextRequest();
        assertThat(arrived.method()).isEqualTo(Request.BYE);
        arrived.answer(200);
        return new Bye(arrived, bye.finalResponse());
    }

    private RiUserAgent phone(String user, String domain, String password) throws Exception {
        RiUserAgent phone = RiUserAgent.start(user, domain, password,
                new RiUserAgent.Switch(sip.sipTlsPort(), sip.rootCaPem(), sip.serverKeystore(), sip.serverKeystorePassword()));
        phones.add(phone);
        return phone;
    }

    private RiUserAgent acme(String user) throws Exception {
        return phone(user, ACME, RunningSipSwitchAccess.PASSWORD);
    }

    private RiUserAgent registered(String user) throws Exception {
        return registered(user, ACME);
    }

    private RiUserAgent registered(String user, String domain) throws Exception {
        RiUserAgent phone = phone(user, domain, RunningSipSwitchAccess.PASSWORD);
        assertThat(phone.register(600).getStatusCode()).isEqualTo(200);
        return phone;
    }

    private static List<Binding> bindings(String acmeUser) {
        return sip.location().lookup(new AddressOfRecord("acme", acmeUser));
    }

    private static List<String> algorithms(Response challenge, String header) {
        List<String> algorithms = new ArrayList<>();
        challenge.getHeaders(header).forEachRemaining(h -> algorithms.add(((WWWAuthenticateHeader) h).getAlgorithm()));
        return algorithms;
    }

    private static long cseq(Request request) {
        return ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }

    /** Waits, at most 5 s, until the switch has seen connections close. */
    private static void awaitConnectionsAtMost(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(RiUserAgent.WAIT_SECONDS).toNanos();
        while (sip.flows().size() > count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sip.flows().size()).as("connections the switch has").isLessThanOrEqualTo(count);
    }
}
