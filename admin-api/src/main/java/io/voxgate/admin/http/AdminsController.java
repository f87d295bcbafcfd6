package io.voxgate.admin.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminAccounts;
import io.voxgate.admin.auth.AdminLogin;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.config.admin.AdminAccount;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.tenant.Tenant;

/**
 * {@code /api/v1/tenants/{slug}/admins}: a tenant's admin accounts, through the services the CLI
 * uses ({@link AdminAccounts}). Nobody creates, disables or cuts off an account whose role holds a
 * permission they do not hold themselves, so this is no way to more power than one has.
 */
@Controller("/api/v1/tenants/{slug}/admins")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AdminsController {

    @Serdeable
    public record NewAdmin(@Nullable String email, @Nullable String role) {
    }

    private final AdminAccounts creation;
    private final AdminAccountDirectory accounts;
    private final AdminLogin login;
    private final RolePermissions roles;
    private final TenantScope scope;
    private final AccessAudit access;

    public AdminsController(AdminAccounts creation, AdminAccountDirectory accounts, AdminLogin login, RolePermissions roles,
                            TenantScope scope, AccessAudit access) {
        this.creation = creation;
        this.accounts = accounts;
        this.login = login;
        this.roles = roles;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.ADMINS_WRITE)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        access.read(principal, tenant.get(), "admins");
        return HttpResponse.ok(Pages.of(accounts.list(tenant.get().id()), AdminAccount::email, after, limit, AdminsController::view));
    }

    @Post
    @RequiresPermission(Permission.ADMINS_WRITE)
    public MutableHttpResponse<?> create(HttpRequest<?> request, @PathVariable String slug, @Body NewAdmin body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        if (body.email() == null) {
            return Problems.missing("email");
        }
        if (body.role() == null || "platform-operator".equals(body.role())) {
            return Problems.invalid("role", "one of the tenant's roles (GET /api/v1/tenants/" + slug + "/roles)");
        }
        if (accounts.findByEmail(body.email()).isPresent()) {
            return Problems.of(HttpStatus.CONFLICT, "exists", "Conflict", "an admin account with this email exists", "email");
        }
        Optional<MutableHttpResponse<?>> beyond = beyondOwnPermissions(principal, tenant.get(), body.role());
        if (beyond.isPresent()) {
            return beyond.get();
        }
        try {
            AdminAccounts.Created created = creation.create(body.email(), body.role(), tenant.get(), AccessAudit.actor(principal));
            Map<String, Object> answer = view(created.account());
            answer.put("initialPassword", created.initialPassword()); // shown this once; TOTP is enrolled at the first login
            return HttpResponse.created(answer, URI.create("/api/v1/tenants/" + slug + "/admins/" + created.account().id()));
        } catch (IllegalArgumentException e) {
            return Problems.invalid(e.getMessage().startsWith("email") ? "email" : "role", e.getMessage());
        }
    }

    /** Disables the account and ends its sessions at once, on every node. */
    @Post("/{id}/disable")
    @RequiresPermission(Permission.ADMINS_WRITE)
    public MutableHttpResponse<?> disable(HttpRequest<?> request, @PathVariable String slug, @PathVariable String id) {
        return actOn(request, slug, id, "admin.account.disable", account -> {
            accounts.setStatus(account.id(), "disabled");
            login.endSessions(account.id(), "account disabled by an admin");
        });
    }

    /** Ends every session of the account (a lost laptop); it may log in again. */
    @Post("/{id}/revoke-sessions")
    @RequiresPermission(Permission.ADMINS_WRITE)
    public MutableHttpResponse<?> revokeSessions(HttpRequest<?> request, @PathVariable String slug, @PathVariable String id) {
        return actOn(request, slug, id, "admin.session.revoke", account -> login.endSessions(account.id(), "revoked by an admin"));
    }

    private MutableHttpResponse<?> actOn(HttpRequest<?> request, String slug, String id, String action,
                                         java.util.function.Consumer<AdminAccount> change) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        Optional<AdminAccount> account;
        try {
            account = tenant.flatMap(t -> accounts.find(UUID.fromString(id)).filter(a -> t.id().equals(a.tenantId())));
        } catch (IllegalArgumentException notAnId) {
            account = Optional.empty();
        }
        if (account.isEmpty()) {
            return notFound(slug);
        }
        Optional<MutableHttpResponse<?>> beyond = beyondOwnPermissions(principal, tenant.get(), account.get().role());
        if (beyond.isPresent()) {
            return beyond.get();
        }
        change.accept(account.get());
        access.changed(principal, tenant.get(), action, account.get().email(), Map.of("role", account.get().role()));
        return HttpResponse.ok(view(accounts.find(account.get().id()).orElseThrow()));
    }

    /** A 403 when {@code role} holds a permission the principal does not. */
    private Optional<MutableHttpResponse<?>> beyondOwnPermissions(AdminPrincipal principal, Tenant tenant, String role) {
        var held = roles.of(principal);
        var wanted = roles.of(new AdminPrincipal(principal.accountId(), principal.sessionId(), tenant.id(), role));
        if (held.containsAll(wanted)) {
            return Optional.empty();
        }
        return Optional.of(Problems.permissionNotHeld("role " + role + " holds permissions your role does not", "role"));
    }

    private static Map<String, Object> view(AdminAccount account) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", account.id().toString());
        view.put("email", account.email());
        view.put("role", account.role());
        view.put("status", account.status());
        view.put("totpEnrolled", account.totpConfirmed());
        return view;
    }

    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such admin in tenant '" + slug + "'", null);
    }
}
