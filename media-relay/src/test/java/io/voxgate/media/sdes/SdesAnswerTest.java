package io.voxgate.media.sdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;

class SdesAnswerTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void theAnswerTakesTheStrongestOfferedLineWithAKeyOfItsOwn() {
        List<SdesCrypto> offered = List.of(SdesCrypto.generate(1, CryptoSuite.AES_CM_128_HMAC_SHA1_80, random),
                SdesCrypto.generate(2, CryptoSuite.AES_CM_128_HMAC_SHA1_32, random));

        SdesAnswer answer = SdesAnswer.to(offered, random).orElseThrow();

        assertThat(answer.remote().tag()).isEqualTo(1);
        assertThat(answer.local().tag()).isEqualTo(1); // RFC 4568 §7.1.1: the answer echoes the chosen tag
        assertThat(answer.local().suite()).isEqualTo(CryptoSuite.AES_CM_128_HMAC_SHA1_80);
        assertThat(answer.local().masterKey()).isNotEqualTo(answer.remote().masterKey());
    }

    @Test
    void anOfferWithNothingTheRelaySpeaksHasNoSrtpAnswer() {
        assertThat(SdesAnswer.to(List.of(), random)).isEmpty();
    }

    @Test
    void theRelaysOfferListsEverySuiteStrongestFirstEachWithItsOwnKey() {
        List<SdesCrypto> offer = SdesAnswer.offer(random);

        assertThat(offer).extracting(SdesCrypto::suite).containsExactly(CryptoSuite.values());
        assertThat(offer).extracting(SdesCrypto::tag).containsExactly(1, 2, 3);
        assertThat(offer.get(1).masterKey()).isNotEqualTo(offer.get(2).masterKey());
    }
}
