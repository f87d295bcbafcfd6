package io.voxgate.server;

import java.io.IOException;
import java.time.Clock;
import java.util.HexFormat;

import io.voxgate.admin.auth.AccessTokens;
import io.voxgate.admin.auth.AdminAccounts;
import io.voxgate.admin.auth.AdminLogin;
import io.voxgate.admin.auth.OAuthApps;
import io.voxgate.admin.auth.PasswordHasher;
import io.voxgate.admin.auth.Totp;
import io.voxgate.admin.http.AccessAudit;
import io.voxgate.admin.http.AdminApiSettings;
import io.voxgate.admin.http.TenantScope;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.admin.OAuthAppDirectory;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.calling.CallingRules;
import io.voxgate.config.calling.TrunkDirectory;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.config.admin.CustomRoles;
import io.voxgate.config.calling.RateTable;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.feed.ChangeFeed;
import io.voxgate.config.db.SecretFiles;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.CredentialSeal;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.provisioning.admin.DeviceAdministration;
import io.voxgate.server.settings.VoxgateSettings;

/** The admin API's services as the launcher builds them for the admin listener. */
final class AdminApiServices {

    /** The key access tokens are signed with; every node of a cluster needs the same file. */
    static final String TOKEN_KEY_FILE = "admin-token.key";

    private AdminApiServices() {
    }

    /** Everything the admin API's controllers and filters take, as Micronaut singletons. */
    /** @param feed where the caches of sessions, apps and tenants learn of changes made by any node */
    static Object[] all(VoxgateSettings settings, ConfigDatabase database, SwitchPki pki, ChangeFeed feed) throws IOException {
        TenantDirectory tenants = new TenantDirectory(database);
        CredentialSeal seal = CredentialSeal.fromSecretsDirectory(settings.secretsDir());
        AuditLog audit = new AuditLog(database);
        AccessAudit access = new AccessAudit(audit, tenants);
        DeviceDirectory devices = new DeviceDirectory(database);
        AccessTokens tokens = new AccessTokens(tokenKey(settings), Clock.systemUTC());
        OAuthAppDirectory appDirectory = new OAuthAppDirectory(database);
        OAuthApps apps = new OAuthApps(appDirectory, tokens, audit);
        AdminLogin login = login(seal, database, tokens, apps);
        TenantScope scope = new TenantScope(tenants, access);
        feed.subscribe(login::onConfigChange);
        feed.subscribe(scope::onConfigChange);
        CustomRoles customRoles = new CustomRoles(database);
        RolePermissions roles = new RolePermissions(customRoles, tenants);
        feed.subscribe(roles::onConfigChange);
        return new Object[] {login, apps, appDirectory, settings(settings), access, scope,
                tenants, audit,
                new UserDirectory(database, seal), devices,
                new DeviceAdministration(devices, new ActivationCodes(database), pki, audit), new CallingRules(database),
                new TrunkDirectory(database, seal), customRoles, roles, new RateTable(database), new AdminAccountDirectory(database),
                new AdminAccounts(new AdminAccountDirectory(database), new PasswordHasher(), audit, customRoles), pki};
    }

    private static byte[] tokenKey(VoxgateSettings settings) throws IOException {
        return HexFormat.of().parseHex(SecretFiles.createOnce(settings.secretsDir().resolve(TOKEN_KEY_FILE),
                () -> SecretFiles.randomHex(32)));
    }

    private static AdminLogin login(CredentialSeal seal, ConfigDatabase database, AccessTokens tokens, OAuthApps apps) {
        Clock clock = Clock.systemUTC();
        return new AdminLogin(new AdminAccountDirectory(database), new TenantDirectory(database), new PasswordHasher(), new Totp(clock),
                seal, tokens, new AuditLog(database), clock, apps);
    }

    static AdminApiSettings settings(VoxgateSettings settings) {
        return new AdminApiSettings("Voxgate " + ProvisioningStack.publicHost(settings), settings.admin().requestsPerMinutePerAddress(),
                settings.admin().requestsPerMinutePerToken());
    }
}
