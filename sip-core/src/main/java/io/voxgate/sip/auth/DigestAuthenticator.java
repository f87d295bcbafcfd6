package io.voxgate.sip.auth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;

import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.ProxyAuthenticate;
import gov.nist.javax.sip.header.WWWAuthenticate;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.config.user.DigestHashes;

/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616 qop=auth, RFC 8760 SHA-256). Challenges offer
 * the configured algorithms in order (by default SHA-256, then MD5). An unknown user is answered exactly like a known one with a wrong
 * password (same challenge, same rejection, a hash computed either way), so extensions cannot be
 * enumerated.
 */
public final class DigestAuthenticator {

    public sealed interface Outcome {
        record Authenticated(String username) implements Outcome {
        }

        /** Ask (again) for credentials; {@code stale} when only the nonce was too old (RFC 7616 §3.3). */
        record Challenge(boolean stale) implements Outcome {
        }

        record Rejected(String reason) implements Outcome {
        }
    }

    private static final DigestHashes UNKNOWN_USER = DigestHashes.of("unknown", "unknown", "unknown-" + System.nanoTime());

    private final NonceService nonces;
    private final List<DigestAlgorithm> offered;

    public DigestAuthenticator(NonceService nonces) {
        this(nonces, List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5));
    }

    /**
     * @param offered the algorithms challenged for and accepted, in order of preference. MD5 alone is
     *                for clients that give up on a challenge they do not know instead of ignoring it
     *                (libre before 3.12, so baresip 1.x, fails a whole 401 that offers SHA-256).
     */
    public DigestAuthenticator(NonceService nonces, List<DigestAlgorithm> offered) {
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("at least one digest algorithm must be offered");
        }
        this.nonces = nonces;
        this.offered = List.copyOf(offered);
    }

    /**
     * Checks the credentials a request carries.
     *
     * @param header     the request's Authorization (or Proxy-Authorization) header for this realm, if any
     * @param credential the stored hashes of the user the header names; empty when there is no such user
     */
    public Outcome verify(SIPRequest request, AuthenticationHeader header, String realm, Optional<DigestHashes> credential) {
        if (header == null || !"Digest".equalsIgnoreCase(header.getScheme()) || !realm.equalsIgnoreCase(header.getRealm())) {
            return new Outcome.Challenge(false);
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(header.getAlgorithm()).filter(offered::contains);
        String nonce = header.getNonce();
        String username = header.getUsername();
        String uri = header.getParameter("uri");
        String response = header.getResponse();
        if (algorithm.isEmpty() || nonce == null || username == null || uri == null || response == null) {
            return new Outcome.Challenge(false);
        }
        switch (nonces.check(nonce, realm)) {
            case INVALID -> {
                return new Outcome.Challenge(false);
            }
            case STALE -> {
                return new Outcome.Challenge(true);
            }
            case FRESH -> {
            }
        }
        String qop = header.getQop();
        String nc = header.getParameter("nc");
        String cnonce = header.getCNonce();
        if (!"auth".equalsIgnoreCase(qop) || nc == null || cnonce == null) {
            return new Outcome.Rejected("qop=auth with nc and cnonce is required");
        }
        DigestAlgorithm digest = algorithm.get();
        String ha1 = digest.ha1(credential.orElse(UNKNOWN_USER));
        String ha2 = digest.hash(request.getMethod() + ":" + uri);
        String expected = digest.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        if (!matches || credential.isEmpty()) {
            return new Outcome.Rejected("wrong credentials");
        }
        long count;
        try {
            count = Long.parseLong(nc, 16);
        } catch (NumberFormatException e) {
            return new Outcome.Rejected("nc is not a hex number");
        }
        if (!nonces.acceptCount(nonce, count)) {
            return new Outcome.Challenge(false); // a replayed request: make the sender prove itself again
        }
        return new Outcome.Authenticated(username);
    }

    /**
     * The answers a request carries for {@code realm} in its {@code headerName} (Authorization or
     * Proxy-Authorization) headers: the first per algorithm, all naming the same user as the
     * first, as a client that answers each offered challenge sends (RFC 8760 §2.4 asks for one, but
     * JAIN-SIP RI's digest helper answers all of them and computes every one with MD5 whatever it
     * is labelled). One per algorithm caps the guesses a request can carry at the number of
     * algorithms; callers count every answer of a refused request towards the ban.
     */
    public static List<AuthenticationHeader> answersFor(SIPRequest request, String headerName, String realm) {
        List<AuthenticationHeader> answers = new ArrayList<>(2);
        for (ListIterator<?> it = request.getHeaders(headerName); it.hasNext() && answers.size() < DigestAlgorithm.values().length; ) {
            if (it.next() instanceof AuthenticationHeader header && realm.equalsIgnoreCase(header.getRealm())
                    && (answers.isEmpty() || java.util.Objects.equals(answers.getFirst().getUsername(), header.getUsername()))
                    && answers.stream().noneMatch(a -> String.valueOf(a.getAlgorithm()).equalsIgnoreCase(String.valueOf(header.getAlgorithm())))) {
                answers.add(header);
            }
        }
        return answers;
    }

    /**
     * Checks each answer of {@link #answersFor} until one authenticates. Otherwise a wrong answer
     * decides (so a stale nonce sent alongside cannot hide a wrong guess from the ban), then a stale
     * nonce (answer the fresh challenge), then a plain new challenge.
     */
    public Outcome verify(SIPRequest request, List<AuthenticationHeader> answers, String realm, Optional<DigestHashes> credential) {
        Outcome best = new Outcome.Challenge(false);
        for (AuthenticationHeader answer : answers) {
            Outcome outcome = verify(request, answer, realm, credential);
            if (outcome instanceof Outcome.Authenticated) {
                return outcome;
            }
            if (weight(outcome) > weight(best)) {
                best = outcome;
            }
        }
        return best;
    }

    private static int weight(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Challenge challenge -> challenge.stale() ? 1 : 0;
            case Outcome.Rejected rejected -> 2;
            case Outcome.Authenticated user -> 3;
        };
    }

    /** A 401 (or 407 for a proxy) carrying one challenge per offered algorithm, in order. */
    public SIPResponse challenge(SIPRequest request, String realm, boolean stale, boolean proxy) {
        SIPResponse response = SipResponses.create(request, proxy ? SIPResponse.PROXY_AUTHENTICATION_REQUIRED : SIPResponse.UNAUTHORIZED);
        String nonce = nonces.issue(realm);
        for (DigestAlgorithm algorithm : offered) {
            AuthenticationHeader header = proxy ? new ProxyAuthenticate() : new WWWAuthenticate();
            try {
                header.setScheme("Digest");
                header.setRealm(realm);
                header.setNonce(nonce);
                header.setAlgorithm(algorithm.token());
                header.setQop("auth");
                if (stale) {
                    header.setStale(true);
                }
            } catch (ParseException e) {
                throw new IllegalStateException("cannot build a digest challenge for realm " + realm, e);
            }
            response.addHeader(header);
        }
        return response;
    }
}
