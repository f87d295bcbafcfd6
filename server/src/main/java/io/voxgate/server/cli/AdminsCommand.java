package io.voxgate.server.cli;

import io.voxgate.admin.auth.AdminAccounts;
import io.voxgate.admin.auth.PasswordHasher;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.admin.CustomRoles;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code voxgate admins ...}: the accounts that log in to the admin API. */
@Command(name = "admins", description = "Create admin API accounts (password shown once; TOTP enrolled at first login).")
public final class AdminsCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "add", description = "Create an admin account with a random initial password, printed once.")
    int add(@Option(names = "--email", required = true) String email,
            @Option(names = "--role", required = true, description = "platform-operator, tenant-admin, phone-system-admin, user-admin, "
                    + "security-admin, reports-viewer, standard-user or custom:<name> (a tenant's custom role)") String role,
            @Option(names = "--tenant", description = "Tenant slug; every role but platform-operator needs one") String slug)
            throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Tenant tenant = slug == null ? null : new TenantDirectory(store.database()).find(slug)
                    .orElseThrow(() -> new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)"));
            AdminAccounts.Created created = new AdminAccounts(new AdminAccountDirectory(store.database()), new PasswordHasher(),
                    new AuditLog(store.database()), new CustomRoles(store.database()))
                    .create(email, role, tenant, "cli:" + System.getProperty("user.name", "unknown"));
            spec.commandLine().getOut().println("admin " + created.account().email() + " (" + role + (slug == null ? "" : ", " + slug)
                    + ") created; initial password (shown once): " + created.initialPassword()
                    + "\nlog in at POST https://<host>:8443/api/v1/auth/login, then enrol TOTP (docs/admin-api.md)");
        }
        return 0;
    }
}
