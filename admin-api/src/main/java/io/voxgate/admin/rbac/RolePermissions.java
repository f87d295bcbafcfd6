package io.voxgate.admin.rbac;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.cache.FeedInvalidatedCache;
import io.voxgate.config.admin.CustomRoles;
import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.tenant.TenantDirectory;

/**
 * What an admin's role allows: a built-in {@link Role}, or a tenant's custom role
 * ({@code custom:<name>}) built from the same permissions. Custom roles are read on every request,
 * so they are kept in memory and dropped when any node changes one.
 */
public final class RolePermissions {

    /** What a custom role may grant: everything a tenant admin holds. */
    public static final Set<Permission> GRANTABLE = Role.TENANT_ADMIN.permissions();

    private record TenantRole(UUID tenantId, String name) {
    }

    private final FeedInvalidatedCache<TenantRole, Set<Permission>> custom;

    public RolePermissions(CustomRoles roles, TenantDirectory tenants) {
        this.custom = new FeedInvalidatedCache<>(Set.of("custom_roles"), null, key -> tenants.find(key.tenantId())
                .flatMap(tenant -> roles.find(tenant, key.name())).map(role -> parse(role.permissions())));
    }

    /** The permissions of the principal's role; empty for a role that does not exist (any more). */
    public Set<Permission> of(AdminPrincipal principal) {
        String role = principal.role();
        if (role != null && role.startsWith(CustomRoles.ROLE_PREFIX) && principal.tenantId() != null) {
            return custom.get(new TenantRole(principal.tenantId(), role.substring(CustomRoles.ROLE_PREFIX.length()))).orElse(Set.of());
        }
        return Role.fromId(role).map(Role::permissions).orElse(Set.of());
    }

    public boolean allows(AdminPrincipal principal, Permission permission) {
        return of(principal).contains(permission);
    }

    public void onConfigChange(ConfigChange change) {
        custom.onConfigChange(change);
    }

    /** Permission names as the API shows them ({@code users_read}) to permissions; unknown names grant nothing. */
    public static Set<Permission> parse(List<String> names) {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (String name : names) {
            byName(name).filter(GRANTABLE::contains).ifPresent(permissions::add);
        }
        return Set.copyOf(permissions);
    }

    public static Optional<Permission> byName(String name) {
        try {
            return Optional.of(Permission.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
