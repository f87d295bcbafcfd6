package io.voxgate.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class AccessTokensTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final AdminPrincipal principal = new AdminPrincipal(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "user-admin");

    private static AccessTokens at(Instant instant) {
        return new AccessTokens(KEY, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aTokenCarriesItsPrincipalUntilItExpires() {
        String token = at(NOW).issue(principal);

        assertThat(at(NOW.plus(AccessTokens.LIFETIME).minusSeconds(1)).verify(token)).contains(principal);
        assertThat(at(NOW.plus(AccessTokens.LIFETIME)).verify(token)).as("expired").isEmpty();
    }

    @Test
    void anyChangedByteOrAnotherKeyOrAnotherUseIsRefused() {
        String token = at(NOW).issue(principal);
        String[] parts = token.split("\\.");
        String otherRole = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("user-admin", "tenant-admin");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(otherRole.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        AccessTokens otherKey = new AccessTokens("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(at(NOW).verify(forged)).as("payload changed").isEmpty();
        assertThat(at(NOW).verify(unsigned)).as("alg none").isEmpty();
        assertThat(otherKey.verify(token)).as("another switch's key").isEmpty();
        assertThat(at(NOW).verify(at(NOW).issueEnrolment(principal.accountId()))).as("an enrolment token is no access token").isEmpty();
        assertThat(at(NOW).verifyEnrolment(token)).as("nor the other way round").isEmpty();
        assertThat(at(NOW.plus(AccessTokens.ENROLMENT_LIFETIME).plus(Duration.ofSeconds(1)))
                .verifyEnrolment(at(NOW).issueEnrolment(principal.accountId()))).as("expired enrolment").isEmpty();
        assertThat(at(NOW).verify("not.a.token")).isEmpty();
        assertThat(at(NOW).verify(null)).isEmpty();
    }
}
