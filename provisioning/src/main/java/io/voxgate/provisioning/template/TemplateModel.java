package io.voxgate.provisioning.template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * What a template sees: the {@link PhoneConfig} under names an operator can read, plus, under the
 * vendor's id ({@code yealink.*}, {@code poly.*}, ...), the values that vendor spells its own way
 * (time zone, key type codes). Only strings, numbers, booleans, maps and lists: nothing a template
 * could call. Every text field is checked by {@link ValueGuard} first, so a value can fill its slot
 * and nothing more. docs/provisioning-vendors.md lists every name.
 */
final class TemplateModel {

    private static final Pattern MAC = Pattern.compile("[0-9a-f]{12}");
    private static final Duration SHORTEST_REPROVISION = Duration.ofMinutes(1);
    private static final Duration LONGEST_REPROVISION = Duration.ofDays(30);

    private TemplateModel() {
    }

    static Map<String, Object> of(PhoneConfig config) {
        checkFields(config);
        ZoneTime zone = ZoneTime.of(config.timeZone());
        Map<String, Object> model = new HashMap<>();
        model.put("vendor", config.vendor().id());
        model.put("model", orEmpty(config.model()));
        model.put("mac", vendorMac(config));
        model.put("macLower", config.mac());
        model.put("macUpper", config.mac().toUpperCase(Locale.ROOT));
        model.put("account", account(config.account()));
        model.put("sip", Map.of(
                "server", config.sipServer(),
                "port", config.sipPort(),
                "uri", "sips:" + config.sipServer() + ":" + config.sipPort()));
        model.put("provisioningUrl", config.provisioningUrl());
        model.put("caCertificateUrl", config.provisioningUrl() + "ca.pem");
        model.put("caCertificatePem", ValueGuard.pemCertificate("trustedCaPem", config.trustedCaPem()));
        model.put("ntpServer", config.ntpServer());
        model.put("timeZone", timeZone(zone));
        model.put("digitMap", orEmpty(config.digitMap()));
        long seconds = config.reprovisionInterval().toSeconds();
        model.put("reprovision", Map.of("seconds", seconds, "minutes", (seconds + 59) / 60));
        model.put("lineKeys", lineKeys(config.lineKeys()));
        model.put(config.vendor().id(), vendorValues(config, zone));
        return Map.copyOf(model);
    }

    private static void checkFields(PhoneConfig config) {
        if (!MAC.matcher(config.mac()).matches()) {
            throw new IllegalArgumentException("mac: expected 12 lower-case hex digits");
        }
        PhoneConfig.Account account = config.account();
        ValueGuard.text("model", config.model());
        ValueGuard.text("account.displayName", account.displayName());
        ValueGuard.text("account.extension", account.extension());
        ValueGuard.required("account.username", account.username());
        ValueGuard.required("account.password", account.password());
        ValueGuard.required("account.domain", account.domain());
        ValueGuard.required("sipServer", config.sipServer());
        if (config.sipPort() < 1 || config.sipPort() > 65535) {
            throw new IllegalArgumentException("sipPort: expected 1 to 65535, got " + config.sipPort());
        }
        String url = ValueGuard.required("provisioningUrl", config.provisioningUrl());
        if (!url.startsWith("https://") || !url.endsWith("/")) {
            throw new IllegalArgumentException("provisioningUrl: expected https://host[:port]/path/ (ending in '/')");
        }
        ValueGuard.required("ntpServer", config.ntpServer());
        ValueGuard.text("digitMap", config.digitMap());
        if (config.timeZone() == null) {
            throw new IllegalArgumentException("timeZone: is required");
        }
        Duration interval = config.reprovisionInterval();
        if (interval == null || interval.compareTo(SHORTEST_REPROVISION) < 0 || interval.compareTo(LONGEST_REPROVISION) > 0) {
            throw new IllegalArgumentException("reprovisionInterval: expected 1 minute to 30 days, got " + interval);
        }
        Set<Integer> indexes = new HashSet<>();
        for (LineKey key : config.lineKeys()) {
            String field = "lineKeys[" + key.index() + "]";
            if (key.index() < 1 || !indexes.add(key.index())) {
                throw new IllegalArgumentException(field + ".index: expected 1 or more, once per key");
            }
            ValueGuard.text(field + ".label", key.label());
            if (!key.type().equals("line")) {
                ValueGuard.dialable(field + ".value", key.value());
            }
        }
    }

    static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Each vendor's spelling of the MAC, as it names its own file. */
    private static String vendorMac(PhoneConfig config) {
        return config.vendor() == Vendor.CISCO ? config.mac().toUpperCase(Locale.ROOT) : config.mac();
    }

    private static Map<String, Object> account(PhoneConfig.Account account) {
        return Map.of(
                "displayName", orEmpty(account.displayName()),
                "extension", orEmpty(account.extension()),
                "username", account.username(),
                "password", account.password(),
                "domain", account.domain());
    }

    private static Map<String, Object> timeZone(ZoneTime zone) {
        int seconds = zone.standardOffset().getTotalSeconds();
        return Map.of(
                "id", zone.zone().getId(),
                "utcOffset", zone.standardOffset().getId().equals("Z") ? "+00:00" : zone.standardOffset().getId(),
                "utcOffsetSeconds", seconds,
                "posix", PosixTimeZone.of(zone),
                "daylightSaving", zone.daylightSaving().isPresent());
    }

    private static List<Map<String, Object>> lineKeys(List<LineKey> keys) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            LineKey key = keys.get(i);
            list.add(Map.of(
                    "index", key.index(),
                    "type", key.type(),
                    "value", key.type().equals("line") ? "" : key.value(),
                    "label", orEmpty(key.label()),
                    "line", key.type().equals("line"),
                    "speedDial", key.type().equals("speed-dial"),
                    "blf", key.type().equals("blf"),
                    "last", i == keys.size() - 1)); // JSON needs to know where the commas stop
        }
        return List.copyOf(list);
    }

    private static Object vendorValues(PhoneConfig config, ZoneTime zone) {
        return switch (config.vendor()) {
            case YEALINK -> YealinkValues.of(config, zone);
            case POLY -> PolyValues.of(config, zone);
            case CISCO -> CiscoValues.of(config, zone);
            case GRANDSTREAM -> GrandstreamValues.of(config, zone);
            case SOFTPHONE -> Map.of(); // its JSON schema is ours: the common names serve it
        };
    }
}
