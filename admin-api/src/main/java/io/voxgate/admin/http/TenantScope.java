package io.voxgate.admin.http;

import java.util.Optional;
import java.util.Set;

import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.cache.FeedInvalidatedCache;
import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/**
 * The tenant a request may act in. Another tenant's resource is "not found", never "forbidden"
 * (which would confirm it exists), and the attempt is audited.
 */
public final class TenantScope {

    private final FeedInvalidatedCache<String, Tenant> tenants;
    private final AccessAudit access;

    public TenantScope(TenantDirectory tenants, AccessAudit access) {
        // every request resolves its tenant: in memory, dropped on any change of tenants or domains
        this.tenants = new FeedInvalidatedCache<>(Set.of("tenants", "sip_domains"), null, tenants::find);
        this.access = access;
    }

    Optional<Tenant> resolve(AdminPrincipal principal, String slug, String request) {
        Optional<Tenant> tenant = tenants.get(slug == null ? "" : slug);
        if (tenant.isPresent() && (principal.tenantId() == null || principal.tenantId().equals(tenant.get().id()))) {
            return tenant;
        }
        if (tenant.isPresent()) {
            access.crossTenant(principal, request);
        }
        return Optional.empty();
    }

    /** Subscribed to the change feed. */
    public void onConfigChange(ConfigChange change) {
        tenants.onConfigChange(change);
    }
}
