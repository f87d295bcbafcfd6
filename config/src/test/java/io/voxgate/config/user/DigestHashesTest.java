package io.voxgate.config.user;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DigestHashesTest {

    @Test
    void md5Ha1MatchesTheRfc2617Example() {
        // RFC 2617 §3.5: Mufasa / testrealm@host.com / "Circle Of Life"
        assertThat(DigestHashes.of("Mufasa", "testrealm@host.com", "Circle Of Life").ha1Md5())
                .isEqualTo("939e7578ed9e3c518a452acee763bce9");
    }

    @Test
    void sha256Ha1MatchesTheRfc7616Example() {
        // RFC 7616 §3.9.1: Mufasa / http-auth@example.org / "Circle of Life"
        assertThat(DigestHashes.of("Mufasa", "http-auth@example.org", "Circle of Life").ha1Sha256())
                .isEqualTo("7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
    }

    @Test
    void toStringDoesNotRevealTheHashes() {
        DigestHashes hashes = DigestHashes.of("1001", "pbx.example", "correct horse battery");

        assertThat(hashes.toString()).doesNotContain(hashes.ha1Md5()).doesNotContain(hashes.ha1Sha256());
    }
}
