package io.voxgate.provisioning.template;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * Yealink's spellings (Yealink SIP-T4x/T5x Administrator Guide, "Time and Date" and "Line Keys"):
 * {@code local_time.time_zone} as {@code +1} or {@code +5:30}, daylight saving given "by week" as
 * {@code month/week/weekday/hour} (week 5 = last, Monday = 1), {@code linekey.N.type} codes.
 */
final class YealinkValues {

    /** linekey.N.type: 15 Line, 13 Speed Dial, 16 BLF. */
    private static final Map<String, Integer> KEY_TYPES = Map.of("line", 15, "speed-dial", 13, "blf", 16);

    /**
     * local_time.time_zone_name must be one of the phone's own list; only names known to be on it are
     * given. Without one the phone keeps its default name, which is only shown: the offset and the
     * daylight-saving rule are set explicitly and decide the clock.
     */
    private static final Map<String, String> ZONE_NAMES = Map.of(
            "Europe/Berlin", "Germany(Berlin)",
            "Europe/Paris", "France(Paris)",
            "Europe/London", "United Kingdom(London)",
            "Asia/Kolkata", "India(Calcutta)",
            "Asia/Calcutta", "India(Calcutta)",
            "Asia/Shanghai", "China(Beijing)",
            "America/New_York", "United States-Eastern Time",
            "America/Chicago", "United States-Central Time",
            "America/Denver", "United States-Mountain Time",
            "America/Los_Angeles", "United States-Pacific Time");

    private YealinkValues() {
    }

    static Map<String, Object> of(PhoneConfig config, ZoneTime zone) {
        Object dst = zone.daylightSaving()
                .<Object>map(rule -> Map.of(
                        "start", byWeek(zone, rule.start()),
                        "end", byWeek(zone, rule.end()),
                        "offsetMinutes", rule.savings().toMinutes()))
                .orElse(false);
        return Map.of(
                "timeZone", offset(zone.standardOffset()),
                "timeZoneName", ZONE_NAMES.getOrDefault(zone.zone().getId(), ""),
                "summerTime", zone.daylightSaving().isPresent() ? 1 : 0,
                "dst", dst,
                "lineKeys", lineKeys(config.lineKeys()));
    }

    private static String offset(ZoneOffset offset) {
        int minutes = offset.getTotalSeconds() / 60;
        if (minutes == 0) {
            return "0";
        }
        int abs = Math.abs(minutes);
        return (minutes < 0 ? "-" : "+") + abs / 60 + (abs % 60 == 0 ? "" : String.format(":%02d", abs % 60));
    }

    private static String byWeek(ZoneTime zone, ZoneTime.Transition t) {
        if (t.minuteOfDay() % 60 != 0 || t.minuteOfDay() < 0 || t.minuteOfDay() >= 24 * 60) {
            throw new IllegalArgumentException("time zone " + zone.zone().getId() + ": clocks change at a time"
                    + " Yealink cannot take (whole hours 0-23 only)");
        }
        return t.month().getValue() + "/" + t.week() + "/" + t.dayOfWeek().getValue() + "/" + t.minuteOfDay() / 60;
    }

    private static List<Map<String, Object>> lineKeys(List<LineKey> keys) {
        return keys.stream().<Map<String, Object>>map(key -> Map.of(
                "index", key.index(),
                "type", KEY_TYPES.get(key.type()),
                "value", key.type().equals("line") ? "" : key.value(),
                "label", TemplateModel.orEmpty(key.label()))).toList();
    }
}
