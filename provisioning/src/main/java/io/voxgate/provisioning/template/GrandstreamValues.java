package io.voxgate.provisioning.template;

import java.util.List;
import java.util.Map;

import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * Grandstream GRP261x spellings (Grandstream's configuration template for the GRP261x, firmware
 * 1.0.5.x): the self-defined time zone as a POSIX TZ string, the dial plan in braces, and virtual
 * multi-purpose keys (VPK), whose P-codes follow two numbering schemes: VPK 1-6 use
 * P1363/P1364/P1465/P1466 stepping by 2, VPK 7 and up use P23800.. in blocks of 4.
 */
final class GrandstreamValues {

    /** P246, the self-defined time zone, takes at most 64 characters. */
    private static final int MAX_TIME_ZONE = 64;
    /** P193 "check every N minutes" accepts 60 to 86400. */
    private static final long SHORTEST_CHECK_MINUTES = 60;
    private static final int LAST_FIXED_VPK = 6;

    /** VPK key modes: Default (the account's line) 31, SpeedDial 0, BLF 1. */
    private static final Map<String, Integer> KEY_MODES = Map.of("line", 31, "speed-dial", 0, "blf", 1);

    private GrandstreamValues() {
    }

    static Map<String, Object> of(PhoneConfig config, ZoneTime zone) {
        String posix = PosixTimeZone.of(zone);
        if (posix.length() > MAX_TIME_ZONE) {
            throw new IllegalArgumentException("time zone " + zone.zone().getId() + ": its POSIX form is longer than the "
                    + MAX_TIME_ZONE + " characters Grandstream accepts");
        }
        long minutes = (config.reprovisionInterval().toSeconds() + 59) / 60;
        return Map.of(
                "timeZone", "customize",
                "posixTimeZone", posix,
                "dialPlan", GrandstreamDialPlan.of(TemplateModel.orEmpty(config.digitMap())),
                // P237 takes host and path; P212 = 2 says HTTPS.
                "configServerPath", config.provisioningUrl().substring("https://".length())
                        .replaceAll("/+$", ""),
                "reprovisionMinutes", Math.max(SHORTEST_CHECK_MINUTES, minutes),
                "lineKeys", config.lineKeys().stream().map(GrandstreamValues::vpk).toList());
    }

    private static Map<String, Object> vpk(LineKey key) {
        int n = key.index();
        if (key.type().equals("line") && n > LAST_FIXED_VPK) {
            throw new IllegalArgumentException("lineKeys[" + n + "].type: a Grandstream line key must be one of"
                    + " the fixed VPKs 1-" + LAST_FIXED_VPK);
        }
        int mode;
        int account;
        int description;
        int value;
        if (n <= LAST_FIXED_VPK) {
            mode = 1361 + 2 * n;
            account = mode + 1;
            description = 1463 + 2 * n;
            value = description + 1;
        } else {
            mode = 23800 + 4 * (n - LAST_FIXED_VPK - 1);
            account = mode + 1;
            description = mode + 2;
            value = mode + 3;
        }
        return Map.of(
                "modeParam", "P" + mode,
                "accountParam", "P" + account,
                "descriptionParam", "P" + description,
                "valueParam", "P" + value,
                "mode", KEY_MODES.get(key.type()),
                "account", 0, // 0 = account 1, the only one Voxgate provisions
                "description", TemplateModel.orEmpty(key.label()),
                "value", key.type().equals("line") ? "" : key.value());
    }
}
