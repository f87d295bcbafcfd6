package io.voxgate.admin.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/** {@code /api/v1/tenants}: the platform operator creates tenants (each with its own schema); others see their own. */
@Controller("/api/v1/tenants")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TenantsController {

    @Serdeable
    public record NewTenant(@Nullable String slug, @Nullable String name, @Nullable String domain) {
    }

    private final TenantDirectory tenants;
    private final TenantScope scope;
    private final AccessAudit access;

    public TenantsController(TenantDirectory tenants, TenantScope scope, AccessAudit access) {
        this.tenants = tenants;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.TENANTS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @QueryValue @Nullable String after, @QueryValue @Nullable Integer limit) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        List<Tenant> visible = tenants.list().stream()
                .filter(t -> principal.tenantId() == null || principal.tenantId().equals(t.id()))
                .toList();
        return HttpResponse.ok(Pages.of(visible, Tenant::slug, after, limit, TenantsController::view));
    }

    @Get("/{slug}")
    @RequiresPermission(Permission.TENANTS_READ)
    public MutableHttpResponse<?> get(HttpRequest<?> request, @PathVariable String slug) {
        return scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath())
                .<MutableHttpResponse<?>>map(t -> HttpResponse.ok(view(t)))
                .orElseGet(() -> Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null));
    }

    @Post
    @RequiresPermission(Permission.TENANTS_WRITE)
    public MutableHttpResponse<?> create(HttpRequest<?> request, @Body NewTenant body) {
        if (body.slug() == null || !body.slug().matches("[a-z][a-z0-9_]{1,29}")) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field",
                    "slug: 2-30 lower-case letters, digits or '_', starting with a letter", "slug");
        }
        if (body.name() == null || body.name().isBlank() || body.name().length() > 200) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "name: 1-200 characters", "name");
        }
        if (body.domain() == null || body.domain().isBlank()) {
            return Problems.missing("domain");
        }
        if (tenants.find(body.slug()).isPresent()) {
            return Problems.of(HttpStatus.CONFLICT, "exists", "Conflict", "tenant '" + body.slug() + "' exists already", "slug");
        }
        Tenant created;
        try {
            created = tenants.create(body.slug(), body.name(), body.domain());
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", e.getMessage(), "domain");
        }
        access.changed(BearerAuthentication.principal(request), created, "tenant.create", created.slug(),
                Map.of("domain", created.primaryDomain()));
        return HttpResponse.created(view(created), URI.create("/api/v1/tenants/" + created.slug()));
    }

    private static Map<String, Object> view(Tenant tenant) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("slug", tenant.slug());
        view.put("name", tenant.name());
        view.put("domain", tenant.primaryDomain());
        view.put("status", tenant.status());
        view.put("createdAt", tenant.createdAt().toString());
        return view;
    }
}
