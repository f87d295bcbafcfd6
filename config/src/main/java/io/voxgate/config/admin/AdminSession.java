package io.voxgate.config.admin;

import java.time.Instant;
import java.util.UUID;

public record AdminSession(UUID id, UUID accountId, Instant expiresAt, Instant revokedAt) {

    public boolean activeAt(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
