package io.voxgate.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NonceCountsTest {

    private static final long NOW = 1_796_000_000L;

    @Test
    void aCountIsAcceptedOnceAndOnlyHigherOnesAfterIt() {
        NonceCounts counts = new NonceCounts(300, 1000);

        assertThat(counts.accept(42, NOW, 1)).isTrue();
        assertThat(counts.accept(42, NOW, 1)).as("replayed").isFalse();
        assertThat(counts.accept(42, NOW, 3)).isTrue();
        assertThat(counts.accept(42, NOW, 2)).as("lower than seen").isFalse();
    }

    @Test
    void eachNonceHasItsOwnCount() {
        NonceCounts counts = new NonceCounts(300, 1000);

        assertThat(counts.accept(1, NOW, 1)).isTrue();
        assertThat(counts.accept(2, NOW, 1)).isTrue();
        assertThat(counts.accept(3, NOW - 200, 1)).isTrue(); // another time slot
        assertThat(counts.accept(3, NOW - 200, 1)).isFalse();
    }

    @Test
    void aFullTableRefusesNewNoncesButKeepsCountingKnownOnes() {
        NonceCounts counts = new NonceCounts(300, 11); // 11 slots of 37 s: one nonce each

        assertThat(counts.accept(1, NOW, 1)).isTrue();
        assertThat(counts.accept(2, NOW, 1)).as("slot full: challenged again, nothing forgotten").isFalse();
        assertThat(counts.accept(1, NOW, 2)).isTrue();
        assertThat(counts.accept(1, NOW, 2)).isFalse();
    }

    @Test
    void aSlotIsReusedOnlyOnceItsNoncesAreOutlived() {
        NonceCounts counts = new NonceCounts(300, 1000);
        assertThat(counts.accept(7, NOW, 5)).isTrue();

        long aLifetimeAndMoreLater = NOW + 11 * 37; // same slot index, eleven slots on
        assertThat(counts.accept(7, aLifetimeAndMoreLater, 1)).isTrue();
    }
}
