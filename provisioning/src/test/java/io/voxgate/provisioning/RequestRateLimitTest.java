package io.voxgate.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RequestRateLimitTest {

    private final AtomicLong now = new AtomicLong();
    private final RequestRateLimit limit = new RequestRateLimit(3, Duration.ofSeconds(60), now::get);

    @Test
    void aKeyOverItsLimitWaitsForTheNextWindowAndOthersAreNotTouched() {
        assertThat(limit.allow("192.0.2.1")).isTrue();
        assertThat(limit.allow("192.0.2.1")).isTrue();
        assertThat(limit.allow("192.0.2.1")).isTrue();
        assertThat(limit.allow("192.0.2.1")).isFalse();
        assertThat(limit.allow("192.0.2.2")).isTrue();

        now.addAndGet(Duration.ofSeconds(45).toNanos());
        assertThat(limit.secondsUntilReset("192.0.2.1")).isEqualTo(15);
        assertThat(limit.allow("192.0.2.1")).isFalse();

        now.addAndGet(Duration.ofSeconds(15).toNanos());
        assertThat(limit.allow("192.0.2.1")).isTrue();
    }
}
