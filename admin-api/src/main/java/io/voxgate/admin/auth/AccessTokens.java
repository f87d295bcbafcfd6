package io.voxgate.admin.auth;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Short-lived access tokens: JWS with HS256 under a 256-bit key of the switch's secrets, naming
 * the account, its session, tenant and role. Short, because revocation is checked against the
 * session on every request anyway; signed, so a forged or altered token costs no database trip.
 */
public final class AccessTokens {

    public static final Duration LIFETIME = Duration.ofMinutes(15);
    /** An account with a right password but no TOTP yet may only enrol one, for this long. */
    public static final Duration ENROLMENT_LIFETIME = Duration.ofMinutes(10);
    private static final String ACCESS = "access";
    private static final String TOTP_ENROLMENT = "totp-enrolment";
    private static final String ISSUER = "voxgate";

    private final byte[] key;
    private final Clock clock;

    public AccessTokens(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the access-token key must be at least 256 bits");
        }
        this.key = key.clone();
        this.clock = clock;
    }

    public String issue(AdminPrincipal principal) {
        return sign(new JWTClaimsSet.Builder()
                .subject(principal.accountId().toString())
                .claim("use", ACCESS)
                .claim("sid", principal.sessionId().toString())
                .claim("tid", principal.tenantId() == null ? null : principal.tenantId().toString())
                .claim("role", principal.role())
                .claim("scp", principal.scopes()), LIFETIME);
    }

    /** A token that lets {@code accountId} enrol its TOTP and nothing else. */
    public String issueEnrolment(UUID accountId) {
        return sign(new JWTClaimsSet.Builder().subject(accountId.toString()).claim("use", TOTP_ENROLMENT), ENROLMENT_LIFETIME);
    }

    public Optional<UUID> verifyEnrolment(String token) {
        return claims(token, TOTP_ENROLMENT).map(c -> UUID.fromString(c.getSubject()));
    }

    private String sign(JWTClaimsSet.Builder builder, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = builder.issuer(ISSUER).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    /** The principal of an access token this switch signed that has not expired; empty for anything else. */
    public Optional<AdminPrincipal> verify(String token) {
        try {
            return claims(token, ACCESS).map(c -> {
                try {
                    String tenant = c.getStringClaim("tid");
                    return new AdminPrincipal(UUID.fromString(c.getSubject()), UUID.fromString(c.getStringClaim("sid")),
                            tenant == null ? null : UUID.fromString(tenant), c.getStringClaim("role"), c.getStringListClaim("scp"));
                } catch (ParseException e) {
                    throw new IllegalArgumentException(e);
                }
            });
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private Optional<JWTClaimsSet> claims(String token, String use) {
        try {
            SignedJWT jwt = SignedJWT.parse(token == null ? "" : token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            boolean current = claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().isAfter(clock.instant());
            return ISSUER.equals(claims.getIssuer()) && current && use.equals(claims.getStringClaim("use")) && claims.getSubject() != null
                    ? Optional.of(claims) : Optional.empty();
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
