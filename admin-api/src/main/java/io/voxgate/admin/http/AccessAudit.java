package io.voxgate.admin.http;

import java.util.Map;
import java.util.UUID;

import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/** Audit events of the API's own: refusals, reads of personal data, changes; in the principal's tenant log. */
public final class AccessAudit {

    private final AuditLog audit;
    private final TenantDirectory tenants;

    public AccessAudit(AuditLog audit, TenantDirectory tenants) {
        this.audit = audit;
        this.tenants = tenants;
    }

    void denied(AdminPrincipal principal, String request, String permission) {
        record(principal, tenantOf(principal), "admin.access.denied", request, AuditEvent.Outcome.REFUSED, Map.of("permission", permission));
    }

    /** A request for another tenant's resource: answered 404, and written into the asker's log. */
    void crossTenant(AdminPrincipal principal, String request) {
        record(principal, tenantOf(principal), "admin.access.cross-tenant", request, AuditEvent.Outcome.REFUSED, Map.of());
    }

    void read(AdminPrincipal principal, Tenant tenant, String what) {
        record(principal, tenant, "admin.read", what, AuditEvent.Outcome.SUCCESS, Map.of());
    }

    void changed(AdminPrincipal principal, Tenant tenant, String action, String what, Map<String, String> detail) {
        record(principal, tenant, action, what, AuditEvent.Outcome.SUCCESS, detail);
    }

    /** Who the audit log names: {@code admin:<account>} or {@code app:<app>}. */
    static String actor(AdminPrincipal principal) {
        return (principal.isApp() ? "app:" : "admin:") + principal.accountId();
    }

    private Tenant tenantOf(AdminPrincipal principal) {
        UUID id = principal.tenantId();
        return id == null ? null : tenants.find(id).orElse(null);
    }

    private void record(AdminPrincipal principal, Tenant tenant, String action, String target, AuditEvent.Outcome outcome,
                        Map<String, String> detail) {
        audit.record(tenant, new AuditEvent(actor(principal), action, target.length() > 500 ? target.substring(0, 500) : target,
                null, outcome, detail));
    }
}
