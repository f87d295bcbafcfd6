package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditRecord;
import io.voxgate.config.tenant.Tenant;

/** {@code /api/v1/tenants/{slug}/audit}: a tenant's audit events (read only) and the check of their hash chain. */
@Controller("/api/v1/tenants/{slug}/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuditController {

    private final AuditLog audit;
    private final TenantScope scope;

    public AuditController(AuditLog audit, TenantScope scope) {
        this.audit = audit;
        this.scope = scope;
    }

    /** Newest first; {@code before} is the cursor (a sequence number). */
    @Get
    @RequiresPermission(Permission.AUDIT_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable Long before,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null);
        }
        return HttpResponse.ok(page(audit, tenant.get(), before, limit));
    }

    /** A page of {@code tenant}'s log (null: the platform's), newest first. */
    static Map<String, Object> page(AuditLog audit, Tenant tenant, Long before, Integer limit) {
        int size = limit == null ? Pages.DEFAULT_LIMIT : Math.max(1, Math.min(limit, Pages.MAX_LIMIT));
        var page = audit.page(tenant, before, size + 1);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().limit(size).map(AuditController::view).toList());
        body.put("next", page.size() > size ? page.get(size - 1).seq() : null);
        return body;
    }

    @Get("/verify")
    @RequiresPermission(Permission.AUDIT_READ)
    public MutableHttpResponse<?> verify(HttpRequest<?> request, @PathVariable String slug) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null);
        }
        return HttpResponse.ok(verification(audit.verify(tenant.get())));
    }

    static Map<String, Object> verification(AuditLog.Verification result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", result.intact());
        body.put("events", result.rows());
        body.put("firstBrokenSeq", result.firstBrokenSeq().orElse(null));
        return body;
    }

    private static Map<String, Object> view(AuditRecord e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("seq", e.seq());
        view.put("at", e.occurredAt().toString());
        view.put("actor", e.actor());
        view.put("action", e.action());
        view.put("target", e.target());
        view.put("source", e.sourceAddress());
        view.put("outcome", e.outcome());
        view.put("detail", e.detailJson());
        return view;
    }
}
