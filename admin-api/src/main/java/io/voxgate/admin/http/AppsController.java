package io.voxgate.admin.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.auth.OAuthApps;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.config.admin.OAuthApp;
import io.voxgate.config.admin.OAuthAppDirectory;
import io.voxgate.config.tenant.Tenant;

/** {@code /api/v1/tenants/{slug}/apps}: a tenant's OAuth apps: register (secret shown once), list, revoke. */
@Controller("/api/v1/tenants/{slug}/apps")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AppsController {

    @Serdeable
    public record NewApp(@Nullable String name, @Nullable List<String> scopes) {
    }

    private final OAuthApps apps;
    private final OAuthAppDirectory directory;
    private final TenantScope scope;
    private final AccessAudit access;
    private final RolePermissions roles;

    public AppsController(OAuthApps apps, OAuthAppDirectory directory, TenantScope scope, AccessAudit access, RolePermissions roles) {
        this.roles = roles;
        this.apps = apps;
        this.directory = directory;
        this.scope = scope;
        this.access = access;
    }

    @Post
    @RequiresPermission(Permission.APPS_WRITE)
    public MutableHttpResponse<?> register(HttpRequest<?> request, @PathVariable String slug, @Body NewApp body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        if (body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "name: 1-100 characters", "name");
        }
        if (body.scopes() == null || body.scopes().isEmpty()) {
            return Problems.missing("scopes");
        }
        try {
            OAuthApps.Registered registered = apps.register(tenant.get(), body.name(), body.scopes(), AccessAudit.actor(principal),
                    roles.of(principal));
            Map<String, Object> answer = view(registered.app());
            answer.put("clientSecret", registered.clientSecret()); // shown this once; stored only hashed
            return HttpResponse.created(answer, URI.create("/api/v1/tenants/" + slug + "/apps/" + registered.app().clientId()));
        } catch (OAuthApps.PermissionNotHeld e) {
            return Problems.permissionNotHeld(e.getMessage(), "scopes");
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", e.getMessage(), "scopes");
        }
    }

    @Get
    @RequiresPermission(Permission.APPS_WRITE)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        return HttpResponse.ok(Pages.of(directory.list(tenant.get().id()), OAuthApp::clientId, after, limit, AppsController::view));
    }

    @Post("/{clientId}/revoke")
    @RequiresPermission(Permission.APPS_WRITE)
    public MutableHttpResponse<?> revoke(HttpRequest<?> request, @PathVariable String slug, @PathVariable String clientId) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty() || !apps.revoke(tenant.get().id(), clientId)) {
            return notFound(slug);
        }
        access.changed(principal, tenant.get(), "app.revoke", clientId, Map.of());
        return HttpResponse.noContent();
    }

    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such app in tenant '" + slug + "'", null);
    }

    private static Map<String, Object> view(OAuthApp app) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("clientId", app.clientId());
        view.put("name", app.name());
        view.put("scopes", app.scopes());
        view.put("createdAt", app.createdAt().toString());
        view.put("revoked", !app.active());
        return view;
    }
}
