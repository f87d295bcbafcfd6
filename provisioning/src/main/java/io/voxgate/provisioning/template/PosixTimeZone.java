package io.voxgate.provisioning.template;

import java.time.ZoneOffset;
import java.util.Locale;
import java.util.TimeZone;
import java.util.regex.Pattern;

/**
 * A zone as a POSIX TZ string (IEEE 1003.1 §8.3, {@code std offset dst [offset],start[/time],end[/time]}),
 * the form Grandstream's self-defined time zone takes, e.g. {@code CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00}.
 * POSIX offsets count west of Greenwich, hence the inverted sign.
 */
final class PosixTimeZone {

    /** POSIX requires 3+ letters for an unquoted name; Java's short name for some zones is "GMT+03:00". */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z]{3,6}");

    private PosixTimeZone() {
    }

    static String of(ZoneTime time) {
        TimeZone names = TimeZone.getTimeZone(time.zone());
        StringBuilder tz = new StringBuilder()
                .append(name(names.getDisplayName(false, TimeZone.SHORT, Locale.US), "STD"))
                .append(offset(time.standardOffset()));
        time.daylightSaving().ifPresent(dst -> tz
                .append(name(names.getDisplayName(true, TimeZone.SHORT, Locale.US), "DST"))
                .append(offset(ZoneOffset.ofTotalSeconds(time.standardOffset().getTotalSeconds()
                        + (int) dst.savings().toSeconds())))
                .append(',').append(rule(dst.start()))
                .append(',').append(rule(dst.end())));
        return tz.toString();
    }

    private static String name(String javaName, String fallback) {
        return PLAIN_NAME.matcher(javaName).matches() ? javaName : fallback;
    }

    private static String offset(ZoneOffset offset) {
        int westMinutes = -offset.getTotalSeconds() / 60;
        String sign = westMinutes < 0 ? "-" : "";
        int minutes = Math.abs(westMinutes);
        return sign + minutes / 60 + (minutes % 60 == 0 ? "" : String.format(":%02d", minutes % 60));
    }

    /** {@code Mm.w.d/hh:mm:ss}, d counting from Sunday = 0. */
    private static String rule(ZoneTime.Transition t) {
        int day = t.dayOfWeek().getValue() % 7;
        int minute = t.minuteOfDay();
        return String.format("M%d.%d.%d/%s%02d:%02d:00", t.month().getValue(), t.week(), day,
                minute < 0 ? "-" : "", Math.abs(minute) / 60, Math.abs(minute) % 60);
    }
}
