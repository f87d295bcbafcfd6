package io.voxgate.admin.auth;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

import io.voxgate.config.admin.AdminAccount;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.admin.CustomRoles;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.tenant.Tenant;

/**
 * Creating admin accounts, for the CLI now and the API's own endpoint later (one code path). A
 * new account gets a random initial password, shown once; it must enrol TOTP at its first login.
 */
public final class AdminAccounts {

    public static final List<String> ROLES = List.of("platform-operator", "tenant-admin", "phone-system-admin", "user-admin",
            "security-admin", "reports-viewer", "standard-user");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /** The account and its initial password, to show once. */
    public record Created(AdminAccount account, String initialPassword) {
        @Override
        public String toString() {
            return "Created[" + account + ", password withheld]";
        }
    }

    private final AdminAccountDirectory accounts;
    private final PasswordHasher passwords;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();

    private final CustomRoles customRoles;

    public AdminAccounts(AdminAccountDirectory accounts, PasswordHasher passwords, AuditLog audit, CustomRoles customRoles) {
        this.accounts = accounts;
        this.customRoles = customRoles;
        this.passwords = passwords;
        this.audit = audit;
    }

    /** @param tenant null for a platform operator, required for every other role */
    public Created create(String email, String role, Tenant tenant, String actor) {
        if (role != null && role.startsWith(CustomRoles.ROLE_PREFIX)) {
            String name = role.substring(CustomRoles.ROLE_PREFIX.length());
            if (tenant == null || customRoles.find(tenant, name).isEmpty()) {
                throw new IllegalArgumentException("role '" + role + "': no such custom role" + (tenant == null ? " (it needs --tenant)"
                        : " in tenant " + tenant.slug()));
            }
        } else if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role '" + role + "': expected one of " + ROLES + " or custom:<name>");
        }
        if ("platform-operator".equals(role) != (tenant == null)) {
            throw new IllegalArgumentException("platform-operator".equals(role) ? "a platform operator belongs to no tenant"
                    : "role " + role + " needs a tenant (--tenant)");
        }
        if (email == null || !email.strip().matches("[^@\\s]+@[^@\\s]+") || email.length() > 254) {
            throw new IllegalArgumentException("email '" + email + "' is not an address");
        }
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        AdminAccount account = accounts.create(email, tenant == null ? null : tenant.id(), role, passwords.hash(password));
        audit.record(tenant, new AuditEvent(actor, "admin.account.create", account.email(), null, AuditEvent.Outcome.SUCCESS,
                Map.of("role", role)));
        return new Created(account, new String(password));
    }
}
