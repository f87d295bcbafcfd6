package io.voxgate.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class TotpTest {

    /** RFC 6238 Appendix B's SHA-1 seed. */
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rfc6238AppendixBVectorsForSha1() {
        assertThat(Totp.code(SEED, 59 / 30, 8)).isEqualTo(94287082);
        assertThat(Totp.code(SEED, 1111111109L / 30, 8)).isEqualTo(7081804);
        assertThat(Totp.code(SEED, 1111111111L / 30, 8)).isEqualTo(14050471);
        assertThat(Totp.code(SEED, 1234567890L / 30, 8)).isEqualTo(89005924);
        assertThat(Totp.code(SEED, 2000000000L / 30, 8)).isEqualTo(69279037);
        assertThat(Totp.code(SEED, 20000000000L / 30, 8)).isEqualTo(65353130);
    }

    @Test
    void aCodeOfTheStepBeforeOrAfterIsAcceptedButNotTwoSteps() {
        Totp totp = at(1111111111L);
        long step = 1111111111L / 30;

        assertThat(totp.verify(SEED, six(step))).hasValue(step);
        assertThat(totp.verify(SEED, six(step - 1))).hasValue(step - 1);
        assertThat(totp.verify(SEED, six(step + 1))).hasValue(step + 1);
        assertThat(totp.verify(SEED, six(step - 2))).isEmpty();
        assertThat(totp.verify(SEED, six(step + 2))).isEmpty();
    }

    @Test
    void malformedCodesNeverMatch() {
        Totp totp = at(59);
        assertThat(totp.verify(SEED, "28708")).isEmpty();
        assertThat(totp.verify(SEED, "2870821")).isEmpty();
        assertThat(totp.verify(SEED, "28708a")).isEmpty();
        assertThat(totp.verify(SEED, null)).isEmpty();
    }

    @Test
    void theOtpauthUriCarriesTheBase32SecretAndIssuer() {
        assertThat(Totp.base32(SEED)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"); // RFC 4648 base32 of the seed
        assertThat(Totp.otpauthUri("Voxgate pbx.example.com", "alice@example.com", SEED))
                .isEqualTo("otpauth://totp/Voxgate%20pbx.example.com:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                        + "&issuer=Voxgate%20pbx.example.com&algorithm=SHA1&digits=6&period=30");
    }

    private static String six(long step) {
        return String.format("%06d", Totp.code(SEED, step, 6));
    }

    private static Totp at(long epochSecond) {
        return new Totp(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }
}
