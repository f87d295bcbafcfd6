package io.voxgate.admin.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.audit.AuditLog;

/**
 * {@code /api/v1/audit}: the platform's own log (tenants created, platform operators' logins,
 * refused logins for unknown accounts, OAuth token grants), read only, and the check of its chain.
 */
@Controller("/api/v1/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PlatformAuditController {

    private final AuditLog audit;

    public PlatformAuditController(AuditLog audit) {
        this.audit = audit;
    }

    /** Newest first; {@code before} is the cursor (a sequence number). */
    @Get
    @RequiresPermission(Permission.PLATFORM_AUDIT_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @QueryValue @Nullable Long before, @QueryValue @Nullable Integer limit) {
        return HttpResponse.ok(AuditController.page(audit, null, before, limit));
    }

    @Get("/verify")
    @RequiresPermission(Permission.PLATFORM_AUDIT_READ)
    public MutableHttpResponse<?> verify(HttpRequest<?> request) {
        return HttpResponse.ok(AuditController.verification(audit.verify(null)));
    }
}
