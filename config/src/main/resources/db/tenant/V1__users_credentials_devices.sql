-- One tenant's configuration. Flyway runs these scripts in the tenant's own schema
-- (search_path = tenant_<slug>), so no table here mixes tenants.

CREATE TABLE users (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    extension    text        NOT NULL UNIQUE CHECK (extension ~ '^[0-9]{2,10}$'),
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    email        text        CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$'),
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Digest credentials: only HA1 = H(username:realm:password), for MD5 (RFC 2617) and SHA-256
-- (RFC 8760). The password itself is never stored.
CREATE TABLE sip_credentials (
    user_id    uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    username   text        NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    realm      text        NOT NULL,
    ha1_md5    text        NOT NULL CHECK (ha1_md5 ~ '^[0-9a-f]{32}$'),
    ha1_sha256 text        NOT NULL CHECK (ha1_sha256 ~ '^[0-9a-f]{64}$'),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    mac           text        NOT NULL UNIQUE CHECK (mac ~ '^[0-9a-f]{12}$'),
    vendor        text        NOT NULL CHECK (length(vendor) BETWEEN 1 AND 50),
    model         text        CHECK (model IS NULL OR length(model) <= 100),
    owner_user_id uuid        REFERENCES users (id) ON DELETE SET NULL,
    status        text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('id');
CREATE TRIGGER sip_credentials_changed AFTER INSERT OR UPDATE OR DELETE ON sip_credentials
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('user_id');
CREATE TRIGGER devices_changed AFTER INSERT OR UPDATE OR DELETE ON devices
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('id');
