-- One-time activation codes for zero-touch enrolment: an admin gives a user a code, the user's
-- softphone presents it with a CSR and gets a device certificate (see ActivationCodes). Only the
-- SHA-256 of the normalised code is kept; the code itself is shown once, when it is created.
-- The control schema's activation_code_index (db/control V5) maps the same hash to this tenant.
CREATE TABLE activation_codes (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    code_hash   bytea       NOT NULL UNIQUE CHECK (length(code_hash) = 32),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at     timestamptz,
    used_by_mac text        CHECK (used_by_mac ~ '^[0-9a-f]{12}$'),
    created_by  text        NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200),
    CHECK ((used_at IS NULL) = (used_by_mac IS NULL))
);
CREATE INDEX activation_codes_by_user ON activation_codes (user_id);

-- A code that leaves this table (revoked, or its user deleted) leaves the control index too.
CREATE TRIGGER activation_codes_unindex AFTER DELETE ON activation_codes
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.activation_code_unindex();
CREATE TRIGGER activation_codes_changed AFTER INSERT OR UPDATE OR DELETE ON activation_codes
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('id');
