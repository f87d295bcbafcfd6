-- Which tenant issued an activation code, by the code's SHA-256: a code is presented without a
-- tenant, and this finds it in one lookup instead of a search of every tenant schema. The code's
-- own row, with its user and whether it was used, is in that tenant's activation_codes; both rows
-- are written in one transaction (ActivationCodes.create). expires_at lets expired rows be purged.
CREATE TABLE activation_code_index (
    code_hash  bytea       PRIMARY KEY CHECK (length(code_hash) = 32),
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
CREATE INDEX activation_code_index_by_expiry ON activation_code_index (expires_at);
CREATE INDEX activation_code_index_by_tenant ON activation_code_index (tenant_id);

-- Fired by each tenant's activation_codes (db/tenant V5) when a code row is deleted (revoked, or its
-- user deleted), so the index never leads a presented code to a tenant that no longer has it.
CREATE FUNCTION activation_code_unindex() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM voxgate_control.activation_code_index WHERE code_hash = OLD.code_hash;
    RETURN NULL;
END
$$;
