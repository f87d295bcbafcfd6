-- This tenant's audit log: the same append-only, hash-chained table as the control schema's
-- (see db/control V4, whose functions number, chain and guard it), kept in the tenant's schema
-- so no table mixes tenants' events.
CREATE TABLE audit_events (
    seq            bigint      PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor          text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
    action         text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]{1,99}$'),
    target         text        CHECK (length(target) <= 500),
    source_address text        CHECK (length(source_address) <= 100),
    outcome        text        NOT NULL CHECK (outcome IN ('success', 'refused', 'failed')),
    detail         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    prev_hash      bytea       NOT NULL CHECK (length(prev_hash) = 32),
    hash           bytea       NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.audit_chain();
-- statement-level, so even a change that matches no row is refused
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION voxgate_control.audit_refuse_change();
