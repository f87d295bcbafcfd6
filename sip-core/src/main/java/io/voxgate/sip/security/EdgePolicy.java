package io.voxgate.sip.security;

import java.time.Duration;

/**
 * The knobs of edge security.
 *
 * @param authFailuresPerSource failed authentications one address may have within {@code failureWindow} before it is banned
 * @param authFailuresPerUser   failed authentications against one user (from anywhere) within the window before the next offender is banned
 * @param failureWindow         how long a failure counts
 * @param banDuration           how long a banned address is refused
 * @param requestsPerSecond     sustained requests one address may send, bursts up to twice that; 0 turns
 *                              the limit off. Loopback sources are never limited (a local SBC or load generator).
 */
public record EdgePolicy(int authFailuresPerSource, int authFailuresPerUser, Duration failureWindow, Duration banDuration,
                         int requestsPerSecond) {

    public static final EdgePolicy DEFAULT = new EdgePolicy(10, 5, Duration.ofMinutes(1), Duration.ofMinutes(10), 50);
}
