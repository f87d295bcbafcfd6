package io.voxgate.admin.auth;

import java.util.List;
import java.util.UUID;

/**
 * Who a valid access token speaks for: an admin's session, or an OAuth app.
 *
 * @param accountId the admin account, or the app's id
 * @param sessionId the admin's session, or the app's id again (revoking the app ends its tokens)
 * @param tenantId  null for the platform operator
 * @param role      the admin's role, or {@link #APP_ROLE}
 * @param scopes    an app's granted permissions (lower case); null for an admin
 */
public record AdminPrincipal(UUID accountId, UUID sessionId, UUID tenantId, String role, List<String> scopes) {

    public static final String APP_ROLE = "app";

    public AdminPrincipal(UUID accountId, UUID sessionId, UUID tenantId, String role) {
        this(accountId, sessionId, tenantId, role, null);
    }

    public boolean isApp() {
        return APP_ROLE.equals(role);
    }
}
