package io.voxgate.provisioning.template;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Everything a phone's configuration file says, before a vendor template lays it out. Holds the
 * SIP password in clear: build it just before rendering, never log it ({@link #toString} leaves
 * the password out).
 *
 * @param mac                 canonical MAC (12 lower-case hex digits)
 * @param model               as enrolled, may be null
 * @param sipServer           host name or address the phone registers to, over TLS
 * @param sipPort             5061 unless configured otherwise
 * @param provisioningUrl     base URL of the provisioning server, ending in '/'
 * @param trustedCaPem        the switch's root CA certificate (PEM): the phone trusts the SIP and provisioning servers through it
 * @param reprovisionInterval how often the phone fetches its file again
 */
public record PhoneConfig(String mac, Vendor vendor, String model, Account account, String sipServer, int sipPort,
                          String provisioningUrl, String trustedCaPem, String ntpServer, ZoneId timeZone,
                          List<LineKey> lineKeys, String digitMap, Duration reprovisionInterval) {

    /** The user's line: SIP digest credentials and what the phone shows. */
    public record Account(String displayName, String extension, String username, String password, String domain) {
        @Override
        public String toString() {
            return "Account[" + username + "@" + domain + ", extension " + extension + ", password withheld]";
        }
    }

    /**
     * A programmable key.
     *
     * @param index 1-based position on the phone
     * @param type  {@code line} (the account's line), {@code speed-dial} or {@code blf} (busy lamp field for an extension)
     * @param value the number or extension for speed-dial and blf, empty for line
     */
    public record LineKey(int index, String type, String value, String label) {
        public LineKey {
            if (!List.of("line", "speed-dial", "blf").contains(type)) {
                throw new IllegalArgumentException("line key type '" + type + "': expected line, speed-dial or blf");
            }
        }
    }

    public PhoneConfig {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(account, "account");
        lineKeys = lineKeys == null ? List.of() : List.copyOf(lineKeys);
    }
}
