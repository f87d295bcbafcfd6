package io.voxgate.provisioning.template;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Optional;

/**
 * A time zone reduced to what phones can be told: a standard offset and, where the zone observes
 * daylight saving, a yearly rule of the form "n-th (or last) weekday of a month, at a wall-clock
 * time". Every vendor's format (POSIX TZ, Yealink, Poly, Cisco) is a spelling of this. Taken from
 * the zone's current yearly rules ({@link ZoneRules#getTransitionRules()}), not from today's date,
 * so a rendering does not change with the day it is made.
 */
record ZoneTime(ZoneId zone, ZoneOffset standardOffset, Optional<DaylightSaving> daylightSaving) {

    /** Far enough ahead that a zone without yearly rules has made its last change. */
    private static final Instant AFTER_LAST_CHANGE = Instant.parse("2200-01-01T00:00:00Z");

    /** When clocks change, as POSIX {@code Mm.w.d/time} says it: in the local time in force before. */
    record Transition(Month month, int week, DayOfWeek dayOfWeek, int minuteOfDay) {
        static final int LAST_WEEK = 5;

        boolean lastWeek() {
            return week == LAST_WEEK;
        }

        /** Day of month the "n-th weekday" search starts at: 1, 8, 15, 22 (Poly's {@code date}). */
        int firstDayOfWeek() {
            return lastWeek() ? 1 : (week - 1) * 7 + 1;
        }
    }

    record DaylightSaving(Duration savings, Transition start, Transition end) {
    }

    static ZoneTime of(ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffsetTransitionRule> yearly = rules.getTransitionRules();
        if (yearly.isEmpty()) {
            return new ZoneTime(zone, rules.getOffset(AFTER_LAST_CHANGE), Optional.empty());
        }
        if (yearly.size() != 2) {
            throw unsupported(zone, "it has " + yearly.size() + " yearly transitions, phones know two");
        }
        ZoneOffsetTransitionRule start = yearly.stream()
                .filter(r -> r.getOffsetAfter().getTotalSeconds() > r.getOffsetBefore().getTotalSeconds())
                .findFirst().orElseThrow(() -> unsupported(zone, "no transition moves clocks forward"));
        ZoneOffsetTransitionRule end = yearly.stream().filter(r -> r != start).findFirst().orElseThrow();
        Duration savings = Duration.ofSeconds(start.getOffsetAfter().getTotalSeconds()
                - start.getStandardOffset().getTotalSeconds());
        return new ZoneTime(zone, start.getStandardOffset(),
                Optional.of(new DaylightSaving(savings, transition(zone, start), transition(zone, end))));
    }

    private static Transition transition(ZoneId zone, ZoneOffsetTransitionRule rule) {
        if (rule.getDayOfWeek() == null) {
            throw unsupported(zone, "a transition on a fixed day of " + rule.getMonth() + " rather than a weekday");
        }
        int week = week(rule);
        if (week == 0) {
            throw unsupported(zone, "a transition on the " + rule.getDayOfWeek() + " on or after "
                    + rule.getMonth() + " " + rule.getDayOfMonthIndicator() + ", which is not an n-th or last weekday");
        }
        int minuteOfDay = rule.getLocalTime().toSecondOfDay() / 60 + (rule.isMidnightEndOfDay() ? 24 * 60 : 0);
        // The rule's time is UTC, standard or wall time; phones want the wall time before the change.
        int toWallBefore = switch (rule.getTimeDefinition()) {
            case UTC -> rule.getOffsetBefore().getTotalSeconds() / 60;
            case STANDARD -> (rule.getOffsetBefore().getTotalSeconds() - rule.getStandardOffset().getTotalSeconds()) / 60;
            case WALL -> 0;
        };
        return new Transition(rule.getMonth(), week, rule.getDayOfWeek(), minuteOfDay + toWallBefore);
    }

    /** 1-4 for the n-th weekday, 5 for the last, 0 when the rule is neither ("Sun>=2"). */
    private static int week(ZoneOffsetTransitionRule rule) {
        int day = rule.getDayOfMonthIndicator();
        if (day == -1 || (day > 0 && day == rule.getMonth().maxLength() - 6 && rule.getMonth() != Month.FEBRUARY)) {
            return Transition.LAST_WEEK;
        }
        if (day > 0 && day <= 22 && (day - 1) % 7 == 0) {
            return (day - 1) / 7 + 1;
        }
        return 0;
    }

    private static IllegalArgumentException unsupported(ZoneId zone, String why) {
        return new IllegalArgumentException("time zone " + zone.getId() + ": its daylight-saving rule cannot be"
                + " written for phones (" + why + "); choose a zone with the same clock that phones can follow");
    }
}
