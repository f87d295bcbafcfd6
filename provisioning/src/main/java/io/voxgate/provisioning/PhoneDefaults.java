package io.voxgate.provisioning;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What every phone's file says that is not per phone: where the switch is, whom to trust and how
 * often to come back. Set from the {@code provisioning.*} settings.
 *
 * @param sipServer       the host name or address phones register to (it must be in the server certificate)
 * @param provisioningUrl the base URL phones fetch from, ending in '/'
 */
public record PhoneDefaults(String sipServer, int sipPort, String provisioningUrl, String ntpServer, ZoneId timeZone,
                            String digitMap, Duration reprovisionInterval) {
    public PhoneDefaults {
        Objects.requireNonNull(sipServer, "sipServer");
        Objects.requireNonNull(provisioningUrl, "provisioningUrl");
        if (!provisioningUrl.endsWith("/")) {
            provisioningUrl = provisioningUrl + "/";
        }
    }
}
