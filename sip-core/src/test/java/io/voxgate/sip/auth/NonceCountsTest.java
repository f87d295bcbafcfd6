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
        NonceCounts counts = new NonceCounts(300, 2);

        assertThat(counts.accept(1, NOW, 1)).isTrue();
        assertThat(counts.accept(2, NOW, 1)).as("one busy slot may use the whole table").isTrue();
        assertThat(counts.accept(3, NOW, 1)).as("full: challenged again, nothing forgotten").isFalse();
        assertThat(counts.accept(1, NOW, 2)).isTrue();
        assertThat(counts.accept(1, NOW, 2)).isFalse();
    }

    @Test
    void aNonceOlderThanItsSlotsCurrentOccupantIsRefused() {
        NonceCounts counts = new NonceCounts(300, 1000);
        assertThat(counts.accept(8, NOW + 11 * 37, 1)).isTrue();

        assertThat(counts.accept(9, NOW, 1)).as("the slot has moved on: the clock went back or it is stale").isFalse();
    }

    @Test
    void aSlotIsReusedOnlyOnceItsNoncesAreOutlived() {
        NonceCounts counts = new NonceCounts(300, 1000);
        assertThat(counts.accept(7, NOW, 5)).isTrue();

        long aLifetimeAndMoreLater = NOW + 11 * 37; // same slot index, eleven slots on
        assertThat(counts.accept(7, aLifetimeAndMoreLater, 1)).isTrue();
    }
}
