-- Custom roles: a tenant's own sets of the admin API's permissions (names as the API shows them,
-- e.g. users_read), held by admin accounts as role 'custom:<name>'. The API checks the names.
CREATE TABLE custom_roles (
    name        text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{1,39}$'),
    permissions text[]      NOT NULL CHECK (cardinality(permissions) BETWEEN 1 AND 64),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER custom_roles_changed AFTER INSERT OR UPDATE OR DELETE ON custom_roles
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('name');

-- The rate table behind daily spend caps: the price of a minute to numbers starting with a prefix
-- (E.164 digits, longest match wins), in the currency of the tenant's caps.
CREATE TABLE rates (
    prefix           text          PRIMARY KEY CHECK (prefix ~ '^[0-9]{1,15}$'),
    price_per_minute numeric(12,6) NOT NULL CHECK (price_per_minute >= 0),
    currency         text          NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    description      text          CHECK (length(description) <= 100),
    updated_at       timestamptz   NOT NULL DEFAULT now()
);

CREATE TRIGGER rates_changed AFTER INSERT OR UPDATE OR DELETE ON rates
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('prefix');

-- An admin's own security notices (AuditLog.securityNotices) without reading the whole log.
CREATE INDEX audit_events_actor ON audit_events (actor, seq DESC);
