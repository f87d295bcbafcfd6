package io.voxgate.admin.http;

import java.util.Optional;

import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/**
 * The tenant a request may act in. Another tenant's resource is "not found", never "forbidden"
 * (which would confirm it exists), and the attempt is audited.
 */
public final class TenantScope {

    private final TenantDirectory tenants;
    private final AccessAudit access;

    public TenantScope(TenantDirectory tenants, AccessAudit access) {
        this.tenants = tenants;
        this.access = access;
    }

    Optional<Tenant> resolve(AdminPrincipal principal, String slug, String request) {
        Optional<Tenant> tenant = tenants.find(slug == null ? "" : slug);
        if (tenant.isPresent() && (principal.tenantId() == null || principal.tenantId().equals(tenant.get().id()))) {
            return tenant;
        }
        if (tenant.isPresent()) {
            access.crossTenant(principal, request);
        }
        return Optional.empty();
    }
}
