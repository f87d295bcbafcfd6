-- The control schema: the registry of tenants and the names that must be unique across them.
-- Each tenant's own rows live in its own schema (see db/tenant).

CREATE TABLE tenants (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9_]{1,29}$'),
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    schema_name text        NOT NULL UNIQUE CHECK (schema_name = 'tenant_' || slug),
    status      text        NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A SIP domain (the realm of digest challenges, the host part of AORs) names exactly one tenant.
CREATE TABLE sip_domains (
    domain     text        PRIMARY KEY CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    is_primary boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sip_domains_one_primary_per_tenant ON sip_domains (tenant_id) WHERE is_primary;

-- A phone's MAC belongs to one tenant at most: its device certificate names the MAC, and the MAC
-- must lead to exactly one tenant's device row.
CREATE TABLE device_macs (
    mac       text PRIMARY KEY CHECK (mac ~ '^[0-9a-f]{12}$'),
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);

-- The change feed: every row change in a configuration table becomes a NOTIFY on channel
-- 'voxgate_config' so running switches refresh their caches (see ChangeFeed).
CREATE FUNCTION notify_config_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    changed_row record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed_row := OLD;
    ELSE
        changed_row := NEW;
    END IF;
    PERFORM pg_notify('voxgate_config', json_build_object(
        'schema', TG_TABLE_SCHEMA,
        'table', TG_TABLE_NAME,
        'op', TG_OP,
        'key', to_jsonb(changed_row) ->> TG_ARGV[0])::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('id');
CREATE TRIGGER sip_domains_changed AFTER INSERT OR UPDATE OR DELETE ON sip_domains
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('domain');
CREATE TRIGGER device_macs_changed AFTER INSERT OR UPDATE OR DELETE ON device_macs
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('mac');
