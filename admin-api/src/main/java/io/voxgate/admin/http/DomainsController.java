package io.voxgate.admin.http;

import java.util.Map;
import java.util.Optional;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/** {@code /api/v1/tenants/{slug}/domains}: the SIP domains (realms, AOR hosts) that name the tenant. */
@Controller("/api/v1/tenants/{slug}/domains")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DomainsController {

    @Serdeable
    public record NewDomain(@Nullable String domain) {
    }

    private final TenantDirectory tenants;
    private final TenantScope scope;
    private final AccessAudit access;

    public DomainsController(TenantDirectory tenants, TenantScope scope, AccessAudit access) {
        this.tenants = tenants;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.TENANTS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        return tenant.<MutableHttpResponse<?>>map(t -> HttpResponse.ok(Pages.of(tenants.domains(t).stream().sorted().toList(), d -> d,
                        after, limit, d -> Map.<String, Object>of("domain", d, "primary", d.equals(t.primaryDomain())))))
                .orElseGet(() -> Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null));
    }

    /** Adding a domain changes which tenant a phone's REGISTER lands in: the platform operator's call. */
    @Post
    @RequiresPermission(Permission.TENANTS_WRITE)
    public MutableHttpResponse<?> add(HttpRequest<?> request, @PathVariable String slug, @Body NewDomain body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null);
        }
        if (body.domain() == null) {
            return Problems.missing("domain");
        }
        try {
            String added = tenants.addDomain(tenant.get(), body.domain());
            access.changed(principal, tenant.get(), "domain.add", added, Map.of());
            return HttpResponse.created(Map.of("domain", added));
        } catch (IllegalArgumentException e) {
            return Problems.of(e.getMessage().contains("in use") ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST, "invalid-field",
                    "Invalid field", e.getMessage(), "domain");
        }
    }

    /** Removes a further domain (phones registering under it then find no tenant); the primary one stays. */
    @Delete("/{domain}")
    @RequiresPermission(Permission.TENANTS_WRITE)
    public MutableHttpResponse<?> remove(HttpRequest<?> request, @PathVariable String slug, @PathVariable String domain) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        try {
            if (tenant.isEmpty() || !tenants.removeDomain(tenant.get(), domain)) {
                return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no domain '" + domain + "' in tenant '" + slug + "'", null);
            }
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.CONFLICT, "primary-domain", "Conflict", e.getMessage(), "domain");
        }
        access.changed(principal, tenant.get(), "domain.remove", domain.toLowerCase(java.util.Locale.ROOT), Map.of());
        return HttpResponse.noContent();
    }
}
