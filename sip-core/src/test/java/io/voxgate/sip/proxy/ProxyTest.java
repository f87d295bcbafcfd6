package io.voxgate.sip.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.ListeningPhone;
import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestSipClient;
import io.voxgate.sip.TestPhone;
import io.voxgate.sip.TestSipClient.Response;

/** Calls through the proxy between phones on real TLS connections, over a real database. */
class ProxyTest {

    private static final String ACME = "pbx.acme.example";
    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    private static TestPhone phone(String user) throws Exception {
        return new TestPhone(sip.client(), user, ACME, RunningSipSwitchAccess.PASSWORD);
    }

    @Test
    void inviteWithoutCredentialsIsChallengedWith407() throws Exception {
        try (TestPhone alice = phone("1001")) {
            Response response = alice.sip.send(alice.request("INVITE", "1002@" + ACME, "c-407", "z9hG4bKa407", ""));

            assertThat(response.status()).isEqualTo(407);
            assertThat(response.all("Proxy-Authenticate")).hasSize(2);
            assertThat(response.header("To")).contains(";tag="); // RFC 3261 §8.2.6.2
            assertThat(response.reason()).isEqualTo("Proxy Authentication Required");
        }
    }

    @Test
    void callIsSetUpAndTornDownThroughTheProxy() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            assertThat(bob.register().status()).isEqualTo(200);

            // a phone configured with the switch as its outbound proxy pre-loads a Route to it
            Response trying = alice.authenticatedInvite("1002@" + ACME, "call-1", "z9hG4bKcall1",
                    "P-Asserted-Identity: <sip:9999@" + ACME + ">\r\n"
                            + "Route: <sip:127.0.0.1:" + sip.sipTlsPort() + ";transport=tls;lr>\r\n");
            assertThat(trying.status()).isEqualTo(100);

            Response invite = bob.sip.readResponse();
            assertThat(invite.method()).isEqualTo("INVITE");
            assertThat(invite.addresses("Record-Route")).hasSize(2);
            assertThat(viaCount(invite)).isEqualTo(2);
            assertThat(invite.header("P-Asserted-Identity")).contains("sip:1001@" + ACME);
            assertThat(invite.all("P-Asserted-Identity")).hasSize(1); // the phone's own claim was removed
            assertThat(invite.header("Proxy-Authorization")).isNull();
            assertThat(invite.header("Route")).isNull(); // RFC 3261 §16.4: the Route naming this proxy is removed

            bob.sip.sendRaw(TestPhone.answer(invite, 180, "Ringing", bob.contact()));
            assertThat(alice.sip.readResponse().status()).isEqualTo(180);
            bob.sip.sendRaw(TestPhone.answer(invite, 200, "OK", bob.contact()));
            Response ok = alice.sip.readResponse();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(viaCount(ok)).isEqualTo(1);

            // the caller's route set is the Record-Route in reverse
            List<String> routes = new ArrayList<>(ok.addresses("Record-Route"));
            Collections.reverse(routes);
            String callerRoute = "Route: " + String.join(", ", routes) + "\r\n";
            alice.sip.sendRaw(inDialog("ACK", bob.contact(), ok, callerRoute
                    + "Proxy-Authorization: Digest username=\"1001\", realm=\"" + ACME + "\", nonce=\"n\", uri=\"sip:x\", response=\"r\"\r\n",
                    "z9hG4bKack1", 1, alice));
            Response ack = bob.sip.readResponse();
            assertThat(ack.method()).isEqualTo("ACK");
            assertThat(ack.header("Proxy-Authorization")).isNull(); // the caller's credentials never reach the callee

            // the callee hangs up: its BYE goes back down the caller's own connection
            String calleeRoute = "Route: " + String.join(", ", invite.addresses("Record-Route")) + "\r\n";
            bob.sip.sendRaw("BYE " + alice.contact().replaceAll("[<>]", "") + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + bob.sip.localPort() + ";branch=z9hG4bKbye1\r\n"
                    + "Max-Forwards: 70\r\n" + calleeRoute
                    + "From: " + ok.header("To") + "\r\nTo: " + ok.header("From") + "\r\n"
                    + "Call-ID: call-1\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
            Response bye = alice.sip.readResponse();
            assertThat(bye.method()).isEqualTo("BYE");
            alice.sip.sendRaw(TestPhone.answer(bye, 200, "OK", null));
            assertThat(bob.sip.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void cancelFromTheCallerEndsTheCallWith487() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            Response invite = alice.callRinging(bob, "call-cancel", "z9hG4bKcancel");

            alice.sip.sendRaw("CANCEL sip:1002@" + ACME + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + alice.sip.localPort() + ";branch=z9hG4bKcancel;rport\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:1001@" + ACME + ">;tag=from-1001\r\nTo: <sip:1002@" + ACME + ">\r\n"
                    + "Call-ID: call-cancel\r\nCSeq: 2 CANCEL\r\nContent-Length: 0\r\n\r\n");
            assertThat(alice.sip.readResponse().status()).isEqualTo(200); // for the CANCEL

            Response cancel = bob.sip.readResponse();
            assertThat(cancel.method()).isEqualTo("CANCEL");
            bob.sip.sendRaw(TestPhone.answer(cancel, 200, "OK", null));
            bob.sip.sendRaw(TestPhone.answer(invite, 487, "Request Terminated", null));

            assertThat(alice.sip.readResponse().status()).isEqualTo(487);
            assertThat(bob.sip.readResponse().method()).isEqualTo("ACK"); // the proxy ACKs the 487 itself
        }
    }

    @Test
    void inviteForksToEveryContactAndTheLosersAreCancelled() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone desk = phone("1002"); TestPhone mobile = phone("1002")) {
            desk.register();
            mobile.register();

            alice.authenticatedInvite("1002@" + ACME, "call-fork", "z9hG4bKfork", "");
            Response atDesk = desk.sip.readResponse();
            Response atMobile = mobile.sip.readResponse();
            assertThat(atDesk.method()).isEqualTo("INVITE");
            assertThat(atMobile.method()).isEqualTo("INVITE");

            desk.sip.sendRaw(TestPhone.answer(atDesk, 180, "Ringing", desk.contact()));
            assertThat(alice.sip.readResponse().status()).isEqualTo(180);
            mobile.sip.sendRaw(TestPhone.answer(atMobile, 200, "OK", mobile.contact()));

            assertThat(alice.sip.readResponse().status()).isEqualTo(200);
            assertThat(desk.sip.readResponse().method()).isEqualTo("CANCEL");
        }
    }

    @Test
    void theSameRequestArrivingAgainOnAnotherBranchIsAMergedRequest482() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            bob.register();
            Response challenge = alice.sip.send(alice.request("INVITE", "1002@" + ACME, "call-merge", "z9hG4bKmerge-0", ""));
            String authorization = io.voxgate.sip.TestSipClient.authorization(challenge.all("Proxy-Authenticate").getLast(),
                    "INVITE", "sip:1002@" + ACME, "1001", RunningSipSwitchAccess.PASSWORD, 1).replace("Authorization:", "Proxy-Authorization:");
            String invite = alice.request("INVITE", "1002@" + ACME, "call-merge", "z9hG4bKmerge-a", authorization);
            assertThat(alice.sip.send(invite).status()).isEqualTo(100);

            // the identical request (same From tag, Call-ID and CSeq) on another branch, as a fork loop delivers it;
            // a fresh nonce-count so it authenticates
            String freshCount = io.voxgate.sip.TestSipClient.authorization(challenge.all("Proxy-Authenticate").getLast(), "INVITE",
                    "sip:1002@" + ACME, "1001", RunningSipSwitchAccess.PASSWORD, 2).replace("Authorization:", "Proxy-Authorization:");
            String again = invite.replace("z9hG4bKmerge-a", "z9hG4bKmerge-b").replace(authorization, freshCount);
            Response merged = alice.skipTrying(alice.sip.send(again));

            assertThat(merged.status()).isEqualTo(482);
        }
    }

    @Test
    void aRequestThatComesBackUnchangedIsALoop482() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            // bob's contact is his address of record, so the request reaches him as it reached the proxy
            assertThat(bob.register("<sip:1002@" + ACME + ">").status()).isEqualTo(200);
            assertThat(alice.authenticatedInvite("1002@" + ACME, "call-loop", "z9hG4bKloop", "").status()).isEqualTo(100);
            Response invite = bob.sip.readResponse();
            assertThat(invite.header("Via")).containsPattern("branch=z9hG4bK[0-9a-f]{16}\\.[0-9a-f]{16}");

            // a misconfigured element sends it straight back to the switch
            String looped = invite.raw().replaceFirst("\r\n", "\r\nVia: SIP/2.0/TLS 127.0.0.1:" + bob.sip.localPort()
                    + ";branch=z9hG4bKbob-forwarded\r\n");
            Response answer = bob.sip.send(looped);

            assertThat(answer.status()).isEqualTo(482);
        }
    }

    @Test
    void unknownUserIs404() throws Exception {
        try (TestPhone alice = phone("1001")) {
            Response notFound = alice.authenticatedInviteFinal("4040@" + ACME, "call-404", "z9hG4bK404", "");

            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.reason()).isEqualTo("Not Found"); // RFC 3261 §21.4.5's phrase, not the RI's "Not found"
        }
    }

    @Test
    void registeredButUnreachableUserIs480() throws Exception {
        try (TestPhone alice = phone("1001")) {
            int before = sip.flows().size();
            try (TestPhone bob = phone("1002")) {
                bob.register();
            } // bob's connection is gone, and nothing listens at his contact
            awaitFlowsAtMost(before);

            assertThat(alice.authenticatedInviteFinal("1002@" + ACME, "call-gone", "z9hG4bKgone", "").status()).isEqualTo(480);
        }
    }

    @Test
    void aPhoneWhoseRegistrationConnectionClosedIsDialledAtItsContact() throws Exception {
        try (ListeningPhone desk = sip.listeningPhone(); TestPhone alice = phone("1001")) {
            int before = sip.flows().size();
            try (TestPhone bob = phone("1002")) {
                assertThat(bob.register(desk.contact("1002")).status()).isEqualTo(200);
            }
            awaitFlowsAtMost(before);

            var accepted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return desk.accept(); // the switch finishes the TLS handshake before it forwards
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(alice.authenticatedInvite("1002@" + ACME, "call-dial", "z9hG4bKdial", "").status()).isEqualTo(100);
            try (TestSipClient deskSide = accepted.get(10, java.util.concurrent.TimeUnit.SECONDS)) {
                Response invite = deskSide.readResponse();
                assertThat(invite.reason()).startsWith("INVITE sip:1002@127.0.0.1:" + desk.port());
                // the switch names its listener, not the ephemeral port of the connection it opened
                assertThat(invite.header("Via")).contains("127.0.0.1:" + sip.sipTlsPort());
                assertThat(invite.addresses("Record-Route")).hasSize(2)
                        .allSatisfy(route -> assertThat(route).contains("127.0.0.1:" + sip.sipTlsPort()));
                deskSide.sendRaw(TestPhone.answer(invite, 200, "OK", desk.contact("1002")));
                Response ok = alice.sip.readResponse();
                assertThat(ok.status()).isEqualTo(200);

                List<String> routes = new ArrayList<>(ok.addresses("Record-Route"));
                Collections.reverse(routes);
                alice.sip.sendRaw(inDialog("BYE", desk.contact("1002"), ok, "Route: " + String.join(", ", routes) + "\r\n",
                        "z9hG4bKdialbye", 2, alice));
                Response bye = deskSide.readResponse();
                assertThat(bye.method()).isEqualTo("BYE");
                deskSide.sendRaw(TestPhone.answer(bye, 200, "OK", null));
                assertThat(alice.sip.readResponse().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aContactOnAnotherHostThanTheRegistrationIsNeverDialled() throws Exception {
        try (java.net.ServerSocket elsewhere = new java.net.ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.2"));
             TestPhone alice = phone("1001")) {
            elsewhere.setSoTimeout(500);
            int before = sip.flows().size();
            try (TestPhone bob = phone("1002")) { // registers from 127.0.0.1 a contact on 127.0.0.2
                assertThat(bob.register("<sip:1002@127.0.0.2:" + elsewhere.getLocalPort() + ";transport=tls>").status()).isEqualTo(200);
            }
            awaitFlowsAtMost(before);

            assertThat(alice.authenticatedInviteFinal("1002@" + ACME, "call-ssrf", "z9hG4bKssrf", "").status()).isEqualTo(480);
            assertThatThrownBy(elsewhere::accept).isInstanceOf(java.net.SocketTimeoutException.class); // no connection was made
        }
    }

    @Test
    void aRouteThisProxyDidNotIssueReachesNoConnection() throws Exception {
        try (TestPhone alice = phone("1001"); TestPhone bob = phone("1002")) {
            bob.register();
            String forged = "Route: <sip:test-node-1~0123456789abcdef@127.0.0.1:" + sip.sipTlsPort() + ";transport=tls;lr>\r\n";
            Response answer = alice.sip.send("MESSAGE " + bob.contact().replaceAll("[<>]", "") + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TLS 127.0.0.1:" + alice.sip.localPort() + ";branch=z9hG4bKforged\r\n"
                    + "Max-Forwards: 70\r\n" + forged
                    + "From: <sip:1001@" + ACME + ">;tag=f\r\nTo: <sip:1002@" + ACME + ">;tag=t\r\n"
                    + "Call-ID: forged-route\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n");

            assertThat(answer.status()).isEqualTo(481);
        }
    }

    @Test
    void anOutboundPhoneIsNeverDialledOnceItsFlowIsGone() throws Exception {
        try (ListeningPhone desk = sip.listeningPhone(); TestPhone alice = phone("1001")) {
            try (TestPhone bob = phone("1002")) {
                assertThat(bob.register(desk.contact("1002")
                        + ";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-00000000b0b1>\";reg-id=1").status()).isEqualTo(200);
            }
            var bobAor = new io.voxgate.sip.location.AddressOfRecord("acme", "1002");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (!sip.location().lookup(bobAor).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // RFC 5626 §5.3: the binding dies with its flow
            }

            assertThat(alice.authenticatedInviteFinal("1002@" + ACME, "call-ob", "z9hG4bKob", "").status()).isEqualTo(480);
            assertThat(desk.isConnectedToWithin(500)).isFalse();
        }
    }

    @Test
    void aContactThatFailsTheTlsHandshakeIs480() throws Exception {
        try (java.net.ServerSocket notTls = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
             TestPhone alice = phone("1001")) {
            Thread.ofVirtual().start(() -> {
                try (var accepted = notTls.accept()) {
                    accepted.getOutputStream().write("SIP/2.0 200 OK\r\n\r\n".getBytes()); // plain text where TLS was due
                } catch (java.io.IOException ignored) {
                    // the test asserts on the switch's answer
                }
            });
            int before = sip.flows().size();
            try (TestPhone bob = phone("1002")) {
                bob.register("<sip:1002@127.0.0.1:" + notTls.getLocalPort() + ";transport=tls>");
            }
            awaitFlowsAtMost(before);

            assertThat(alice.authenticatedInviteFinal("1002@" + ACME, "call-notls", "z9hG4bKnotls", "").status()).isEqualTo(480);
        }
    }

    /** Waits until the switch has seen closed connections close, so the proxy cannot pick one. */
    private static void awaitFlowsAtMost(int count) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (sip.flows().size() > count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void callsIntoAnotherTenantAreRefusedAsUnknown() throws Exception {
        try (TestPhone alice = phone("1001")) {
            assertThat(alice.authenticatedInviteFinal("2001@pbx.globex.example", "call-x", "z9hG4bKx", "").status()).isEqualTo(404);
        }
    }

    @Test
    void callerMayNotClaimAnotherUsersFromAddress() throws Exception {
        try (TestPhone mallory = new TestPhone(sip.client(), "1002", ACME, "wrong-password-for-1002")) {
            assertThat(mallory.authenticatedInviteFinal("1001@" + ACME, "call-spoof", "z9hG4bKspoof", "").status()).isEqualTo(403);
        }
    }

    private static int viaCount(Response message) {
        return message.all("Via").stream().mapToInt(line -> line.split(",\\s*SIP/2.0/").length).sum();
    }

    private static String inDialog(String method, String contact, Response ok, String route, String branch, int cseq, TestPhone from) {
        return method + " " + contact.replaceAll("[<>]", "") + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + from.sip.localPort() + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n" + route
                + "From: " + ok.header("From") + "\r\nTo: " + ok.header("To") + "\r\n"
                + "Call-ID: " + ok.header("Call-ID") + "\r\nCSeq: " + cseq + " " + method + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
