package io.voxgate.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.voxgate.sip.auth.DigestAlgorithm;

class HotPathWarmUpTest {

    @Test
    void eachMadeUpRegistrationAuthenticatesWithEveryAlgorithmOrder() {
        for (List<DigestAlgorithm> offer : List.of(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5), List.of(DigestAlgorithm.MD5))) {
            HotPathWarmUp warmUp = new HotPathWarmUp(offer);

            assertThatCode(() -> warmUp.registerOnce(7)).doesNotThrowAnyException(); // it throws when its REGISTER is refused
        }
    }

    @Test
    void aWarmUpRunsOnEveryThreadUntilItsBudgetIsSpent() throws InterruptedException {
        long registrations = new HotPathWarmUp(List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5)).run(Duration.ofMillis(300), 2);

        assertThat(registrations).isGreaterThan(2);
    }
}
