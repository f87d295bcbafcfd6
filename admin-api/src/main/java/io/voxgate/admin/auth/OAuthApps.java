package io.voxgate.admin.auth;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voxgate.admin.cache.FeedInvalidatedCache;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.Role;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.config.admin.OAuthApp;
import io.voxgate.config.admin.OAuthAppDirectory;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditText;
import io.voxgate.config.tenant.Tenant;

/**
 * A tenant's OAuth apps (RFC 6749 §4.4, client credentials): registered with a set of scopes (the
 * permission names, never beyond what a tenant admin holds), given a secret shown once, exchanged
 * for access tokens that carry the scopes, revocable at any time.
 */
public final class OAuthApps {

    /** What a registration hands back: the secret, this once. */
    public record Registered(OAuthApp app, String clientSecret) {
        @Override
        public String toString() {
            return "Registered[" + app + ", secret withheld]";
        }
    }

    private final OAuthAppDirectory apps;
    private final AccessTokens tokens;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();
    /** Asked on every request an app makes: in memory, dropped when the app changes on any node. */
    private final FeedInvalidatedCache<UUID, OAuthApp> registered;

    public OAuthApps(OAuthAppDirectory apps, AccessTokens tokens, AuditLog audit) {
        this.apps = apps;
        this.tokens = tokens;
        this.audit = audit;
        this.registered = new FeedInvalidatedCache<>(Set.of("oauth_apps"), UUID::fromString, apps::find);
    }

    /** @throws IllegalArgumentException naming a scope that is no permission, or one a tenant's app may not hold */
    /**
     * @param authorHolds the permissions of whoever registers the app: an app gets no scope its
     *                    author lacks, so a role holding {@code apps_write} is no way to more power
     * @throws PermissionNotHeld for a scope the author lacks
     */
    public Registered register(Tenant tenant, String name, List<String> scopes, String actor, Set<Permission> authorHolds) {
        for (String scope : scopes) {
            Permission permission = RolePermissions.byName(scope).orElseThrow(() -> new IllegalArgumentException("scope '" + scope
                    + "' is no permission: expected some of "
                    + java.util.Arrays.stream(Permission.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList()));
            if (!Role.TENANT_ADMIN.allows(permission) || permission == Permission.APPS_WRITE || permission == Permission.ROLES_WRITE
                    || permission == Permission.ADMINS_WRITE) {
                throw new IllegalArgumentException("scope '" + scope + "' cannot be granted to an app");
            }
            if (!authorHolds.contains(permission)) {
                throw new PermissionNotHeld("you cannot grant scope " + scope + ": your role does not hold it");
            }
        }
        byte[] id = new byte[12];
        random.nextBytes(id);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String clientSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        OAuthApp app = apps.create(tenant.id(), name, "vg_" + HexFormat.of().formatHex(id), Sha256.of(clientSecret),
                scopes.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList(), actor);
        audit.record(tenant, new AuditEvent(actor, "app.register", app.clientId(), null, AuditEvent.Outcome.SUCCESS,
                Map.of("name", name, "scopes", String.join(" ", app.scopes()))));
        return new Registered(app, clientSecret);
    }

    /** An access token for the app's granted scopes; empty for an unknown or revoked app or a wrong secret. */
    public Optional<String> token(String clientId, String clientSecret, String address) {
        Optional<OAuthApp> app = apps.findByClientId(clientId == null ? "" : clientId)
                .filter(a -> MessageDigest.isEqual(a.secretHash(), Sha256.of(clientSecret)));
        if (app.isEmpty() || !app.get().active()) {
            audit.record(null, new AuditEvent("app:" + AuditText.printable(clientId, 40), "app.token", null, address, AuditEvent.Outcome.REFUSED,
                    Map.of("reason", app.isEmpty() ? "unknown client or wrong secret" : "app revoked")));
            return Optional.empty();
        }
        OAuthApp a = app.get();
        audit.record(null, new AuditEvent("app:" + a.id(), "app.token", a.clientId(), address, AuditEvent.Outcome.SUCCESS,
                Map.of("scopes", String.join(" ", a.scopes()))));
        return Optional.of(tokens.issue(new AdminPrincipal(a.id(), a.id(), a.tenantId(), AdminPrincipal.APP_ROLE, a.scopes())));
    }

    /** A scope asked for that the app's author does not hold. */
    public static final class PermissionNotHeld extends RuntimeException {
        PermissionNotHeld(String message) {
            super(message);
        }
    }

    /** Whether the app behind a token is still registered: revocation takes effect at once. */
    public boolean active(AdminPrincipal principal) {
        return registered.get(principal.accountId()).filter(OAuthApp::active).isPresent();
    }

    /** Stops the app and every token it holds; false when the tenant has no such app. */
    public boolean revoke(UUID tenantId, String clientId) {
        boolean revoked = apps.revoke(tenantId, clientId);
        if (revoked) {
            registered.invalidateAll(); // keyed by app id, not client id; revocations are rare
        }
        return revoked;
    }

    /** Subscribed to the change feed (through {@link AdminLogin#onConfigChange}): another node's revocation. */
    void onConfigChange(io.voxgate.config.feed.ConfigChange change) {
        registered.onConfigChange(change);
    }
}
