package io.voxgate.admin.auth;

import java.util.UUID;

/**
 * Who a valid access token speaks for.
 *
 * @param tenantId null for the platform operator
 */
public record AdminPrincipal(UUID accountId, UUID sessionId, UUID tenantId, String role) {
}
