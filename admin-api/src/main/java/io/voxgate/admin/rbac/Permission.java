package io.voxgate.admin.rbac;

/** What an endpoint may do; every endpoint declares one ({@link RequiresPermission}) and roles are sets of them. */
public enum Permission {
    SELF_READ,
    TENANTS_READ, TENANTS_WRITE,
    USERS_READ, USERS_WRITE,
    DEVICES_READ, DEVICES_WRITE,
    DIAL_PLANS_READ, DIAL_PLANS_WRITE,
    FRAUD_LIMITS_READ, FRAUD_LIMITS_WRITE,
    TRUNKS_READ, TRUNKS_WRITE,
    AUDIT_READ,
    /** The platform's own log (tenants created, admin logins without a tenant): the platform operator's alone. */
    PLATFORM_AUDIT_READ,
    APPS_WRITE,
    /** A tenant's admin accounts: list, create (password shown once), disable, end their sessions. */
    ADMINS_WRITE,
    /** Custom roles: define, change, remove (a role grants only what its author holds). */
    ROLES_WRITE
}
