package io.voxgate.provisioning.template;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * Cisco multiplatform (MPP, 78xx/88xx "3PCC") spellings (Cisco IP Phone 7800/8800 Multiplatform
 * Administration Guide, "Regional" and "Line Key" parameters): {@code GMT+01:00}, a
 * {@code start=month/day/weekday/time;end=...;save=...} daylight-saving rule (day -1 = last,
 * Monday = 1), and line keys as an extension number or {@code Disabled} plus an extended function.
 */
final class CiscoValues {

    private CiscoValues() {
    }

    static Map<String, Object> of(PhoneConfig config, ZoneTime zone) {
        String rule = zone.daylightSaving()
                .map(dst -> "start=" + transition(dst.start()) + ";end=" + transition(dst.end())
                        + ";save=" + hoursAndMinutes(dst.savings()))
                .orElse("");
        return Map.of(
                "timeZone", "GMT" + offset(zone.standardOffset()),
                "dstEnable", zone.daylightSaving().isPresent() ? "Yes" : "No",
                "dstRule", rule,
                // $MAU is the phone's own macro for its upper-case MAC: it keeps asking for this file.
                "profileRule", config.provisioningUrl() + "SEP$MAU.cnf.xml",
                "dialPlan", dialPlan(config.digitMap()),
                "lineKeys", lineKeys(config));
    }

    /**
     * The digit map in Cisco's parentheses. Cisco's timers are S and L elements, not MGCP's T, so T
     * is dropped: the phone's interdigit timer already ends a pattern that could go on.
     */
    private static String dialPlan(String digitMap) {
        String map = digitMap == null ? "" : digitMap.strip().replace("T", "");
        if (map.isEmpty()) {
            return "";
        }
        return map.startsWith("(") ? map : "(" + map + ")";
    }

    private static String offset(ZoneOffset offset) {
        int minutes = offset.getTotalSeconds() / 60;
        int abs = Math.abs(minutes);
        return String.format("%s%02d:%02d", minutes < 0 ? "-" : "+", abs / 60, abs % 60);
    }

    private static String transition(ZoneTime.Transition t) {
        int day = t.lastWeek() ? -1 : t.firstDayOfWeek();
        return t.month().getValue() + "/" + day + "/" + t.dayOfWeek().getValue() + "/"
                + hoursAndMinutes(Duration.ofMinutes(t.minuteOfDay()));
    }

    private static String hoursAndMinutes(Duration duration) {
        long minutes = duration.toMinutes();
        return (minutes < 0 ? "-" : "") + Math.abs(minutes) / 60 + String.format(":%02d", Math.abs(minutes) % 60);
    }

    private static List<Map<String, Object>> lineKeys(PhoneConfig config) {
        String domain = config.account().domain();
        return config.lineKeys().stream().<Map<String, Object>>map(key -> {
            String label = noMiniSyntax("lineKeys[" + key.index() + "].label", key.label());
            String function = switch (key.type()) {
                case "blf" -> "fnc=blf+sd+cp;sub=" + key.value() + "@" + domain + ";nme=" + label;
                case "speed-dial" -> "fnc=sd;ext=" + key.value() + "@" + domain + ";nme=" + label;
                default -> "";
            };
            return Map.of(
                    "index", key.index(),
                    "extension", key.type().equals("line") ? "1" : "Disabled",
                    "shortName", label,
                    "extendedFunction", function);
        }).toList();
    }

    /** The extended function is {@code name=value;...}: a label may not add fields to it. */
    private static String noMiniSyntax(String field, String label) {
        String text = label == null ? "" : label;
        if (text.indexOf(';') >= 0 || text.indexOf('=') >= 0) {
            throw new IllegalArgumentException(field + ": ';' and '=' cannot appear in a Cisco line key label");
        }
        return text;
    }
}
