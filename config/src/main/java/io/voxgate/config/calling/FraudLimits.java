package io.voxgate.config.calling;

import java.time.LocalTime;
import java.util.List;

/**
 * What a tenant, role or user may spend and how: a null limit is "none set here". Calls outside
 * {@code allowedFrom}..{@code allowedUntil} on {@code allowedDays} are refused by the call policy.
 */
public record FraudLimits(String appliesTo, Integer concurrentCalls, Integer internationalCallsPerHour, Integer internationalCallsPerDay,
                          Integer internationalMinutesPerHour, Integer internationalMinutesPerDay, Long dailySpendCapCents,
                          String currency, LocalTime allowedFrom, LocalTime allowedUntil, List<String> allowedDays) {

    public static final List<String> ALL_DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    public static FraudLimits none(String appliesTo) {
        return new FraudLimits(appliesTo, null, null, null, null, null, null, null, null, null, ALL_DAYS);
    }

    public FraudLimits {
        allowedDays = List.copyOf(allowedDays);
    }
}
