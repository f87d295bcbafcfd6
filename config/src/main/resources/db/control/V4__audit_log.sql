-- The audit log: who did what, to what, from where, with what outcome. Append-only: the database
-- refuses UPDATE, DELETE and TRUNCATE on it, whoever asks. Hash-chained: each row's hash covers
-- the row and the previous row's hash, so a row changed or removed behind the database's back
-- (a superuser, a restored backup) breaks the chain at that row (AuditLog.verify).
-- Each tenant's events live in its own schema (db/tenant); this table holds the events that
-- belong to no tenant (a phone nobody enrolled, the platform's own operations).

-- The text a row's hash covers: each field as <length>:<value> ('-:' for null), so no value can be
-- shifted into its neighbour. AuditLog.verify rebuilds the same text in Java.
CREATE FUNCTION audit_row_text(seq bigint, occurred_at timestamptz, actor text, action text, target text,
                               source_address text, outcome text, detail jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$
SELECT string_agg(coalesce(length(f)::text, '-') || ':' || coalesce(f, ''), '|' ORDER BY n)
  FROM unnest(ARRAY[seq::text, ((extract(epoch FROM occurred_at) * 1000000)::bigint)::text, actor, action, target,
                    source_address, outcome, detail::text]) WITH ORDINALITY AS t(f, n)
$$;

-- Numbers and chains a new row. One writer per log at a time (a transaction-scoped advisory lock,
-- held to commit), so sequence numbers are gapless and the chain follows commit order, across nodes.
CREATE FUNCTION audit_chain() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    previous record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME));
    EXECUTE format('SELECT seq, hash FROM %I.%I ORDER BY seq DESC LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO previous;
    NEW.seq := coalesce(previous.seq, 0) + 1;
    NEW.occurred_at := clock_timestamp();
    NEW.prev_hash := coalesce(previous.hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    NEW.hash := sha256(NEW.prev_hash || convert_to(voxgate_control.audit_row_text(NEW.seq, NEW.occurred_at, NEW.actor,
            NEW.action, NEW.target, NEW.source_address, NEW.outcome, NEW.detail), 'UTF8'));
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

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
    FOR EACH ROW EXECUTE FUNCTION audit_chain();
-- statement-level, so even a change that matches no row is refused
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
