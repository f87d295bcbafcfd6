-- Admin accounts: the people who run the switch through the admin API. A platform operator
-- belongs to no tenant; every other role to exactly one. Passwords are Argon2id PHC strings; the
-- TOTP secret is sealed (AES-256-GCM under the switch's credential-seal key), never stored in
-- clear. TOTP is mandatory: an account without a confirmed secret can only enrol one.
CREATE TABLE admin_accounts (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email          text        NOT NULL UNIQUE CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    tenant_id      uuid        REFERENCES tenants (id) ON DELETE CASCADE,
    role           text        NOT NULL CHECK (role IN ('platform-operator', 'tenant-admin', 'phone-system-admin', 'user-admin',
                                                        'security-admin', 'reports-viewer', 'standard-user')),
    password_hash  text        NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    totp_sealed    bytea,
    totp_confirmed boolean     NOT NULL DEFAULT false,
    totp_last_step bigint      NOT NULL DEFAULT 0,
    failed_logins  integer     NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until   timestamptz,
    status         text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'platform-operator') = (tenant_id IS NULL)),
    CHECK (NOT totp_confirmed OR totp_sealed IS NOT NULL)
);

-- The clients (address and user agent) an account logged in from, so a login from a new one
-- can be told apart and reported.
CREATE TABLE admin_known_clients (
    account_id uuid        NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
    client_key bytea       NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, client_key)
);

-- A login session: its refresh token (stored only as SHA-256) rotates on every use; a refresh
-- token used twice means it was stolen, and the whole session is revoked.
CREATE TABLE admin_sessions (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id    uuid        NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
    refresh_hash  bytea       NOT NULL UNIQUE,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    client_address text
);
CREATE INDEX admin_sessions_account ON admin_sessions (account_id);

-- Refresh tokens a session used before: presenting one again revokes the session.
CREATE TABLE admin_retired_refresh_tokens (
    refresh_hash bytea PRIMARY KEY,
    session_id   uuid  NOT NULL REFERENCES admin_sessions (id) ON DELETE CASCADE
);

CREATE TRIGGER admin_accounts_changed AFTER INSERT OR UPDATE OR DELETE ON admin_accounts
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('id');
CREATE TRIGGER admin_sessions_changed AFTER INSERT OR UPDATE OR DELETE ON admin_sessions
    FOR EACH ROW EXECUTE FUNCTION notify_config_change('id');
