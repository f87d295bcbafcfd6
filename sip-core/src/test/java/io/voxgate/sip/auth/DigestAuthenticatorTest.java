package io.voxgate.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.config.user.DigestHashes;
import io.voxgate.sip.TestSipClient;
import io.voxgate.sip.message.SipMessageParser;
import io.voxgate.sip.message.SipParseResult;

class DigestAuthenticatorTest {

    private static final String REALM = "pbx.acme.example";
    private static final DigestHashes ALICE = DigestHashes.of("1001", REALM, "alice-password");
    private final NonceService nonces = new NonceService("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
            Clock.systemUTC(), Duration.ofMinutes(5));

    @Test
    void challengesOfferSha256FirstThenMd5ByDefault() {
        SIPResponse challenge = new DigestAuthenticator(nonces).challenge(register(""), REALM, false, false);

        assertThat(challenge.getHeaders("WWW-Authenticate")).toIterable().map(h -> ((AuthenticationHeader) h).getAlgorithm())
                .containsExactly("SHA-256", "MD5");
    }

    @Test
    void anMd5OnlySwitchChallengesWithMd5Alone() {
        SIPResponse challenge = new DigestAuthenticator(nonces, List.of(DigestAlgorithm.MD5)).challenge(register(""), REALM, false, false);

        assertThat(challenge.getHeaders("WWW-Authenticate")).toIterable().map(h -> ((AuthenticationHeader) h).getAlgorithm())
                .containsExactly("MD5");
    }

    @Test
    void anAnswerWithAnAlgorithmThatWasNotOfferedIsChallengedAgain() {
        DigestAuthenticator md5Only = new DigestAuthenticator(nonces, List.of(DigestAlgorithm.MD5));
        String sha256Challenge = "Digest realm=\"" + REALM + "\", nonce=\"" + nonces.issue(REALM) + "\", algorithm=SHA-256, qop=\"auth\"";
        SIPRequest answer = register(TestSipClient.authorization(sha256Challenge, "REGISTER", "sip:" + REALM, "1001", "alice-password", 1));

        DigestAuthenticator.Outcome outcome = md5Only.verify(answer, (AuthenticationHeader) answer.getHeader("Authorization"), REALM,
                Optional.of(ALICE));

        assertThat(outcome).isInstanceOf(DigestAuthenticator.Outcome.Challenge.class);
    }

    @Test
    void aClientAnsweringEveryChallengeIsAuthenticatedByTheAnswerThatVerifies() {
        String nonce = nonces.issue(REALM);
        // JAIN-SIP RI's helper: an MD5 digest under the SHA-256 label, then the real MD5 answer
        String mislabelled = TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1001", "alice-password", 1)
                .replace("algorithm=MD5", "algorithm=SHA-256");
        String md5 = TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1001", "alice-password", 1);
        SIPRequest answer = register(mislabelled + md5);

        DigestAuthenticator.Outcome outcome = new DigestAuthenticator(nonces).verify(answer,
                DigestAuthenticator.answersFor(answer, "Authorization", REALM), REALM, Optional.of(ALICE));

        assertThat(outcome).isEqualTo(new DigestAuthenticator.Outcome.Authenticated("1001"));
    }

    @Test
    void anAnswerNamingAnotherUserThanTheFirstIsNotConsidered() {
        String nonce = nonces.issue(REALM);
        String wrong = TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1001", "not-the-password", 1);
        String other = TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1002", "bob-password", 1);
        SIPRequest answer = register(wrong + other);

        assertThat(DigestAuthenticator.answersFor(answer, "Authorization", REALM)).singleElement()
                .satisfies(header -> assertThat(header.getUsername()).isEqualTo("1001"));
    }

    @Test
    void aWrongGuessBesideAStaleAnswerIsRefusedNotChallengedAsStale() {
        NonceService tenMinutesAgo = new NonceService("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)), Duration.ofMinutes(5));
        String stale = TestSipClient.authorization(challenge(tenMinutesAgo.issue(REALM), "SHA-256"), "REGISTER", "sip:" + REALM,
                "1001", "alice-password", 1);
        String guess = TestSipClient.authorization(challenge(nonces.issue(REALM), "MD5"), "REGISTER", "sip:" + REALM, "1001",
                "guess-1", 1);
        SIPRequest answer = register(stale + guess);

        DigestAuthenticator.Outcome outcome = new DigestAuthenticator(nonces).verify(answer,
                DigestAuthenticator.answersFor(answer, "Authorization", REALM), REALM, Optional.of(ALICE));

        assertThat(outcome).isInstanceOf(DigestAuthenticator.Outcome.Rejected.class); // counted towards the ban
    }

    @Test
    void onlyOneAnswerPerAlgorithmIsConsidered() {
        String nonce = nonces.issue(REALM);
        StringBuilder guesses = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            guesses.append(TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1001", "guess-" + i, 1));
        }
        guesses.append(TestSipClient.authorization(challenge(nonce, "MD5"), "REGISTER", "sip:" + REALM, "1001", "alice-password", 1));
        SIPRequest answer = register(guesses.toString());

        assertThat(DigestAuthenticator.answersFor(answer, "Authorization", REALM)).hasSize(1);
        assertThat(new DigestAuthenticator(nonces).verify(answer, DigestAuthenticator.answersFor(answer, "Authorization", REALM), REALM,
                Optional.of(ALICE))).isInstanceOf(DigestAuthenticator.Outcome.Rejected.class); // the sixth, right guess is never tried
    }

    private static String challenge(String nonce, String algorithm) {
        return "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=" + algorithm + ", qop=\"auth\"";
    }

    private static SIPRequest register(String authorization) {
        String text = "REGISTER sip:" + REALM + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtest\r\n"
                + "From: <sip:1001@" + REALM + ">;tag=a\r\nTo: <sip:1001@" + REALM + ">\r\n"
                + "Call-ID: digest-test\r\nCSeq: 1 REGISTER\r\n" + authorization + "Content-Length: 0\r\n\r\n";
        return (SIPRequest) ((SipParseResult.Parsed) new SipMessageParser().parse(text.getBytes(StandardCharsets.UTF_8))).message();
    }
}
