package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminLogin;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.admin.AdminAccount;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/** {@code GET /api/v1/me}: who the token speaks for, and the security notices of that admin's account. */
@Controller("/api/v1/me")
public class MeController {

    private static final int NOTICES = 50;

    @Serdeable
    public record PasswordChange(@Nullable String currentPassword, @Nullable String newPassword) {
        @Override
        public String toString() {
            return "PasswordChange[withheld]";
        }
    }

    private final AdminAccountDirectory accounts;
    private final TenantDirectory tenants;
    private final AuditLog audit;
    private final AdminLogin login;

    public MeController(AdminAccountDirectory accounts, TenantDirectory tenants, AuditLog audit, AdminLogin login) {
        this.login = login;
        this.accounts = accounts;
        this.tenants = tenants;
        this.audit = audit;
    }

    @Get
    @RequiresPermission(Permission.SELF_READ)
    public MutableHttpResponse<?> me(HttpRequest<?> request) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        if (principal == null) {
            return Problems.unauthorized();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accountId", principal.accountId().toString());
        body.put("role", principal.role());
        body.put("tenantId", principal.tenantId() == null ? null : principal.tenantId().toString());
        return HttpResponse.ok(body);
    }

    /**
     * Changes the admin's password: the current one is needed (and counted like a login attempt),
     * and every session of the account ends, this one too: log in again with the new password.
     */
    @Post("/password")
    @RequiresPermission(Permission.SELF_READ)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> changePassword(HttpRequest<?> request, @Body PasswordChange body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        if (body.currentPassword() == null) {
            return Problems.missing("currentPassword");
        }
        if (body.newPassword() == null) {
            return Problems.missing("newPassword");
        }
        Optional<String> refused = login.changePassword(principal, body.currentPassword().toCharArray(), body.newPassword().toCharArray(),
                AuthController.client(request));
        return refused.<MutableHttpResponse<?>>map(why -> Problems.invalid(why.substring(0, why.indexOf(':')), why.substring(why.indexOf(':') + 2)))
                .orElseGet(HttpResponse::noContent);
    }

    /**
     * The admin's own notices, newest first: each login from an address or client the account had
     * not used before, and each refused login (a wrong password or code, the lock). What a hosted
     * system would mail; here the admin reads it, and a monitoring job can poll it.
     */
    @Get("/notifications")
    @RequiresPermission(Permission.SELF_READ)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public MutableHttpResponse<?> notifications(HttpRequest<?> request) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<AdminAccount> account = principal == null || principal.isApp() ? Optional.empty() : accounts.find(principal.accountId());
        if (account.isEmpty()) {
            return HttpResponse.ok(Map.of("items", List.of())); // an app has no login to be told of
        }
        Tenant tenant = account.get().tenantId() == null ? null : tenants.find(account.get().tenantId()).orElse(null);
        List<Map<String, Object>> items = audit.securityNotices(tenant, "admin:" + account.get().email(), NOTICES).stream()
                .map(e -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("at", e.occurredAt().toString());
                    item.put("kind", "admin.login.new-client".equals(e.action()) ? "login-from-new-client" : "login-refused");
                    item.put("source", e.sourceAddress());
                    item.put("detail", e.detailJson());
                    return item;
                }).toList();
        return HttpResponse.ok(Map.of("items", items));
    }
}
