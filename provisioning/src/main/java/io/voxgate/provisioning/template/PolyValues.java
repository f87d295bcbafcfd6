package io.voxgate.provisioning.template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * Poly UC Software's spellings (UC Software Administrator Guide, "Time and Date", "Line Keys",
 * "Enhanced Feature Keys"): the GMT offset in seconds, daylight saving as month / first day of the
 * week searched / weekday (Sunday = 1) / hour, and keys that point into lists: a BLF key at an
 * {@code attendant.resourceList} entry, a speed dial at an enhanced feature key macro.
 */
final class PolyValues {

    private static final Duration POLY_SAVINGS = Duration.ofHours(1);

    private PolyValues() {
    }

    static Map<String, Object> of(PhoneConfig config, ZoneTime zone) {
        Object dst = zone.daylightSaving().<Object>map(rule -> {
            if (!rule.savings().equals(POLY_SAVINGS)) {
                throw new IllegalArgumentException("time zone " + zone.zone().getId()
                        + ": Poly phones only move clocks by one hour, this zone by " + rule.savings());
            }
            return Map.of("start", transition(zone, rule.start()), "stop", transition(zone, rule.end()));
        }).orElse(false);

        List<Map<String, Object>> keys = new ArrayList<>();
        List<Map<String, Object>> blfs = new ArrayList<>();
        List<Map<String, Object>> speedDials = new ArrayList<>();
        String domain = config.account().domain();
        for (LineKey key : config.lineKeys()) {
            String label = TemplateModel.orEmpty(key.label());
            switch (key.type()) {
                case "line" -> keys.add(key(key, "Line", 1));
                case "blf" -> {
                    blfs.add(Map.of("index", blfs.size() + 1, "address", key.value() + "@" + domain, "label", label));
                    keys.add(key(key, "BLF", blfs.size()));
                }
                default -> {
                    // An enhanced feature key macro: dial the value, then send the INVITE ($Tinvite$).
                    speedDials.add(Map.of("index", speedDials.size() + 1, "name", "voxgate" + (speedDials.size() + 1),
                            "action", key.value() + "$Tinvite$", "label", label));
                    keys.add(key(key, "EFK", speedDials.size()));
                }
            }
        }
        return Map.of(
                "gmtOffsetSeconds", zone.standardOffset().getTotalSeconds(),
                "dst", dst,
                "lineKeys", List.copyOf(keys),
                "blfs", List.copyOf(blfs),
                "speedDials", List.copyOf(speedDials));
    }

    private static Map<String, Object> key(LineKey key, String category, int categoryIndex) {
        return Map.of("index", key.index(), "category", category, "categoryIndex", categoryIndex);
    }

    private static Map<String, Object> transition(ZoneTime zone, ZoneTime.Transition t) {
        if (t.minuteOfDay() % 60 != 0 || t.minuteOfDay() < 0 || t.minuteOfDay() >= 24 * 60) {
            throw new IllegalArgumentException("time zone " + zone.zone().getId() + ": clocks change at a time"
                    + " Poly cannot take (whole hours 0-23 only)");
        }
        return Map.of(
                "month", t.month().getValue(),
                "date", t.firstDayOfWeek(),
                "time", t.minuteOfDay() / 60,
                "dayOfWeek", t.dayOfWeek().getValue() % 7 + 1,
                "lastInMonth", t.lastWeek() ? 1 : 0);
    }
}
