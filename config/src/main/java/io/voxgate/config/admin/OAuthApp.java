package io.voxgate.config.admin;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A tenant's registered OAuth app; {@code secretHash} is for the token endpoint only. */
public record OAuthApp(UUID id, UUID tenantId, String name, String clientId, byte[] secretHash, List<String> scopes, String createdBy,
                       Instant createdAt, Instant revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }

    @Override
    public String toString() {
        return "OAuthApp[" + clientId + ", " + name + ", " + scopes + (revokedAt == null ? "" : ", revoked") + "]";
    }
}
