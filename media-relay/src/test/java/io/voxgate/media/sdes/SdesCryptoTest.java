package io.voxgate.media.sdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SdesCryptoTest {

    /** RFC 4568 §4's example line. */
    private static final String RFC_4568_EXAMPLE = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";

    private final SecureRandom random = new SecureRandom();

    @Test
    void theRfcExampleParsesIntoKeySaltLifetimeAndMki() {
        SdesCrypto line = SdesCrypto.parse(RFC_4568_EXAMPLE).orElseThrow();
        byte[] material = Base64.getDecoder().decode("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");

        assertThat(line.tag()).isEqualTo(1);
        assertThat(line.suite()).isEqualTo(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        assertThat(line.masterKey()).hasSize(16).containsExactly(java.util.Arrays.copyOfRange(material, 0, 16));
        assertThat(line.masterSalt()).hasSize(14).containsExactly(java.util.Arrays.copyOfRange(material, 16, 30));
        assertThat(line.mki()).contains("1:32");
        assertThat(line.toAttributeValue()).isEqualTo(RFC_4568_EXAMPLE);
    }

    @Test
    void aGeneratedKeySurvivesTheRoundTripAndEveryLegGetsItsOwn() {
        SdesCrypto leg = SdesCrypto.generate(1, CryptoSuite.AES_256_CM_HMAC_SHA1_80, random);
        SdesCrypto other = SdesCrypto.generate(1, CryptoSuite.AES_256_CM_HMAC_SHA1_80, random);

        SdesCrypto parsed = SdesCrypto.parse(leg.toAttributeValue()).orElseThrow();

        assertThat(parsed.masterKey()).hasSize(32).containsExactly(leg.masterKey());
        assertThat(parsed.masterSalt()).hasSize(14).containsExactly(leg.masterSalt());
        assertThat(other.masterKey()).isNotEqualTo(leg.masterKey());
    }

    @Test
    void aSuiteTheRelayDoesNotSpeakIsSkippedNotRefused() {
        assertThat(SdesCrypto.parse("2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4")).isEmpty();
    }

    @Test
    void aKeyOfTheWrongLengthIsRefusedWithoutShowingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[20]);

        assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 30 bytes").hasMessageContaining("carries 20")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void aKeyThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_32 inline:not*base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not base64");
    }

    @Test
    void aLineWithoutKeyParametersIsRefusedAndItsTextRedacted() {
        assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a tag, a suite and key parameters");
        assertThatThrownBy(() -> SdesCrypto.parse("x AES_CM_128_HMAC_SHA1_80 inline:abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
    }

    @Test
    void theAnswerPicksTheStrongestOfferedSuite() {
        List<SdesCrypto> offered = List.of(
                SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_32, random),
                SdesCrypto.generate(2, CryptoSuite.AES_256_CM_HMAC_SHA1_80, random),
                SdesCrypto.generate(3, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random));

        assertThat(SdesCrypto.strongest(offered).orElseThrow().tag()).isEqualTo(2);
        assertThat(SdesCrypto.strongest(List.of())).isEmpty();
    }

    @Test
    void printingALineNeverShowsItsKey() {
        SdesCrypto line = SdesCrypto.parse(RFC_4568_EXAMPLE).orElseThrow();

        assertThat(line.toString()).doesNotContain("PS1uQCVe").contains("key withheld");
        assertThat(line.withTag(7).toAttributeValue()).startsWith("7 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe");
    }
}
