package io.voxgate.sip.transaction;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;

/**
 * The clock of RFC 3261 §17: T1 and the 64*T1 timers derived from it (B, F, H, L, M), plus Timer C
 * of the proxy, on one hashed wheel. Every call starts and cancels several of these, almost all
 * cancelled long before they fire; a wheel makes both O(1), where a scheduled executor's heap
 * would sort tens of thousands of dead entries. Tasks run on the wheel's one thread and must only
 * hand work off (a send is queued on the flow's event loop).
 */
public final class TransactionTimers implements AutoCloseable {

    /** RFC 3261 §17.1.1.1: the RTT estimate, 500 ms. */
    public static final Duration DEFAULT_T1 = Duration.ofMillis(500);
    private static final long TICK_MILLIS = 50;

    private final Duration t1;
    private final HashedWheelTimer wheel;

    /** @param t1 the RFC's T1; tests shorten it so that 64*T1 timers fire within a test */
    public TransactionTimers(Duration t1) {
        if (t1.isNegative() || t1.isZero()) {
            throw new IllegalArgumentException("T1 must be positive, was " + t1);
        }
        this.t1 = t1;
        this.wheel = new HashedWheelTimer(Thread.ofPlatform().name("sip-transaction-timers").daemon(true).factory(),
                TICK_MILLIS, TimeUnit.MILLISECONDS, 1024);
    }

    /** 64*T1 (32 s by default): Timers B, F, H, L and M, and the wait for a 487 after a CANCEL (§9.1). */
    public Duration transactionTimeout() {
        return t1.multipliedBy(64);
    }

    public Timeout schedule(Runnable task, Duration delay) {
        return wheel.newTimeout(timeout -> task.run(), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        wheel.stop();
    }
}
