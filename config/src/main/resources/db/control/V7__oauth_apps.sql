-- OAuth 2.0 apps (RFC 6749 client credentials): a tenant's integrations. The secret is stored
-- only as SHA-256 (it is 256 random bits, so a slow hash adds nothing); scopes are permission
-- names; revoking an app stops its tokens at their next request.
CREATE TABLE oauth_apps (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    client_id   text        NOT NULL UNIQUE CHECK (client_id ~ '^vg_[0-9a-f]{24}$'),
    secret_hash bytea       NOT NULL CHECK (length(secret_hash) = 32),
    scopes      text[]      NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX oauth_apps_tenant ON oauth_apps (tenant_id);

CREATE TRIGGER oauth_apps_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_apps
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('id');
