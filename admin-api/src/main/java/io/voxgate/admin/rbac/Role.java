package io.voxgate.admin.rbac;

import static io.voxgate.admin.rbac.Permission.*;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The seven built-in roles, as the hosted phone systems we measure ourselves against have them.
 * A tenant admin holds everything within the tenant; only the platform operator manages tenants.
 */
public enum Role {
    PLATFORM_OPERATOR(EnumSet.allOf(Permission.class)),
    TENANT_ADMIN(EnumSet.complementOf(EnumSet.of(TENANTS_WRITE, PLATFORM_AUDIT_READ))),
    PHONE_SYSTEM_ADMIN(EnumSet.of(SELF_READ, TENANTS_READ, USERS_READ, DEVICES_READ, DEVICES_WRITE, DIAL_PLANS_READ, DIAL_PLANS_WRITE,
            TRUNKS_READ, TRUNKS_WRITE)),
    USER_ADMIN(EnumSet.of(SELF_READ, TENANTS_READ, USERS_READ, USERS_WRITE, DEVICES_READ, DEVICES_WRITE)),
    SECURITY_ADMIN(EnumSet.of(SELF_READ, TENANTS_READ, USERS_READ, DEVICES_READ, DIAL_PLANS_READ, FRAUD_LIMITS_READ, FRAUD_LIMITS_WRITE,
            TRUNKS_READ, AUDIT_READ)),
    REPORTS_VIEWER(EnumSet.of(SELF_READ, TENANTS_READ, USERS_READ, AUDIT_READ)),
    STANDARD_USER(EnumSet.of(SELF_READ));

    private final Set<Permission> permissions;

    Role(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    /** As stored and shown: {@code platform-operator}, {@code tenant-admin}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Role> fromId(String id) {
        for (Role role : values()) {
            if (role.id().equals(id)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
