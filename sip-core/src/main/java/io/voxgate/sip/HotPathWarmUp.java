package io.voxgate.sip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.config.user.DigestHashes;
import io.voxgate.sip.auth.DigestAlgorithm;
import io.voxgate.sip.auth.DigestAuthenticator;
import io.voxgate.sip.auth.NonceService;
import io.voxgate.sip.message.SipMessageParser;
import io.voxgate.sip.message.SipParseResult;
import io.voxgate.sip.message.SipResponses;

/**
 * Runs what every SIP message costs (the RI's parser, digest challenge and check, building and
 * encoding responses) on made-up traffic for a moment before the listener opens. A switch that
 * restarts at 3 a.m. meets every phone re-registering at once; with a cold JIT the first 20 s of
 * such a storm were answered in 1-2 s (docs/performance.md), long enough for phones to give up and
 * retry. Nothing here touches the switch's state: its own nonce key, a made-up user, no sockets.
 */
public final class HotPathWarmUp {

    private static final Logger log = LoggerFactory.getLogger(HotPathWarmUp.class);
    private static final String REALM = "warm-up.invalid";
    private static final String PASSWORD = "warm-up";

    private final SipMessageParser parser = new SipMessageParser();
    private final DigestAuthenticator authenticator;
    private final DigestHashes user = DigestHashes.of("1000", REALM, PASSWORD);

    public HotPathWarmUp(List<DigestAlgorithm> algorithms) {
        this.authenticator = new DigestAuthenticator(NonceService.withRandomKey(Duration.ofMinutes(5)), algorithms);
    }

    /** Runs on {@code threads} threads (one per event loop) for {@code budget}; returns the REGISTERs answered. */
    public long run(Duration budget, int threads) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        List<Thread> workers = new ArrayList<>();
        long[] counts = new long[threads];
        for (int t = 0; t < threads; t++) {
            int slot = t;
            workers.add(Thread.ofPlatform().name("sip-warm-up-" + t).start(() -> {
                int phone = slot * 1_000_000;
                while (System.nanoTime() < deadline) {
                    registerOnce(phone++);
                    counts[slot]++;
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        log.info("SIP hot path warmed up: {} made-up registrations in {} ms on {} threads", total, budget.toMillis(), threads);
        return total;
    }

    /** One registration as a phone makes it: REGISTER, 401, REGISTER with credentials, 200, each encoded. */
    void registerOnce(int phone) {
        SIPRequest first = request(phone, 1, "");
        SIPResponse challenge = authenticator.challenge(first, REALM, false, false);
        challenge.encodeAsBytes("TLS");
        SIPRequest second = request(phone, 2, answer((AuthenticationHeader) challenge.getHeader("WWW-Authenticate")));
        DigestAuthenticator.Outcome outcome = authenticator.verify(second,
                DigestAuthenticator.answersFor(second, "Authorization", REALM), REALM, Optional.of(user));
        if (!(outcome instanceof DigestAuthenticator.Outcome.Authenticated)) {
            throw new IllegalStateException("the warm-up's own registration was refused: " + outcome);
        }
        SipResponses.create(second, SIPResponse.OK).encodeAsBytes("TLS");
    }

    private SIPRequest request(int phone, int cseq, String authorization) {
        String text = "REGISTER sip:" + REALM + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 192.0.2.1:" + (10_000 + phone % 50_000) + ";branch=z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:1000@" + REALM + ">;tag=" + phone + "\r\n"
                + "To: <sip:1000@" + REALM + ">\r\n"
                + "Call-ID: warm-up-" + phone + "\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:1000@192.0.2.1:" + (10_000 + phone % 50_000) + ";transport=tls>\r\n"
                + authorization
                + "Expires: 3600\r\n"
                + "User-Agent: voxgate-warm-up\r\n"
                + "Content-Length: 0\r\n\r\n";
        if (!(parser.parse(text.getBytes(StandardCharsets.US_ASCII)) instanceof SipParseResult.Parsed parsed)) {
            throw new IllegalStateException("the warm-up's own REGISTER does not parse");
        }
        return (SIPRequest) parsed.message();
    }

    /** RFC 7616 §3.4.1 digest with qop=auth for the first challenge offered. */
    private String answer(AuthenticationHeader challenge) {
        String nonce = challenge.getNonce();
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(challenge.getAlgorithm()).orElseThrow();
        String uri = "sip:" + REALM;
        String ha1 = algorithm.hash("1000:" + REALM + ":" + PASSWORD);
        String ha2 = algorithm.hash("REGISTER:" + uri);
        String response = algorithm.hash(ha1 + ":" + nonce + ":00000001:c0ffee:auth:" + ha2);
        return "Authorization: Digest username=\"1000\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + algorithm.token() + ", qop=auth, nc=00000001, cnonce=\"c0ffee\"\r\n";
    }
}
