package io.voxgate.config.admin;

import java.time.Instant;
import java.util.UUID;

/**
 * An admin as stored; {@code passwordHash} and {@code totpSealed} are for the authenticator only
 * ({@link #toString} leaves them out).
 *
 * @param tenantId null for the platform operator
 */
public record AdminAccount(UUID id, String email, UUID tenantId, String role, String passwordHash, byte[] totpSealed,
                           boolean totpConfirmed, long totpLastStep, int failedLogins, Instant lockedUntil, String status) {

    @Override
    public String toString() {
        return "AdminAccount[" + email + ", " + role + (tenantId == null ? "" : ", tenant " + tenantId) + ", " + status + "]";
    }
}
