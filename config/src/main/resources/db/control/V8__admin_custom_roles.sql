-- An admin account may hold a tenant's custom role ('custom:<name>', tenant/V8) besides the
-- built-in ones; a platform operator stays built-in only (the CHECK on tenant_id in V6).
ALTER TABLE admin_accounts DROP CONSTRAINT admin_accounts_role_check;
ALTER TABLE admin_accounts ADD CONSTRAINT admin_accounts_role_check CHECK (
    role IN ('platform-operator', 'tenant-admin', 'phone-system-admin', 'user-admin', 'security-admin', 'reports-viewer',
             'standard-user')
    OR role ~ '^custom:[a-z][a-z0-9-]{1,39}$');

-- An admin's own security notices (AuditLog.securityNotices) without reading the whole log.
CREATE INDEX audit_events_actor ON audit_events (actor, seq DESC);
