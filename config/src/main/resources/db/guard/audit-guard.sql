-- The audit log's guard against its own application: run as a superuser in Voxgate's database
-- (the switch does so itself with its embedded PostgreSQL; with your own PostgreSQL, a DBA runs
-- this file with psql -v ON_ERROR_STOP=1 -f, once, and again after upgrades). Idempotent.
--
-- The triggers of db/control V4 and db/tenant V3 refuse UPDATE, DELETE and TRUNCATE of audit
-- events for every role. But the application's role owns its schemas, so without this guard it
-- could switch those triggers off (ALTER TABLE ... DISABLE TRIGGER), replace them or the functions
-- they call, rename its way around them, hang the table under a partitioned parent, drop them,
-- or hide new events behind a rule or trigger of its own. These event triggers refuse all of that
-- to any role but a superuser, while migrations still create new tenants' audit tables.
--
-- They live in a schema only a superuser owns, and every function pins its search_path, so
-- neither a dropped nor a shadowed catalog (a temporary view named pg_roles) can switch them off.

-- First: the application's role owns this database and may have set its default search_path to
-- a schema of its own, with operators that would run as the superuser running this file.
SET search_path = pg_catalog, pg_temp;

DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'the audit guard must be installed by a superuser';
    END IF;
    -- created beforehand by another role (the application's owns the database): not to be trusted
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
                WHERE n.nspname = 'voxgate_guard' AND NOT r.rolsuper) THEN
        RAISE EXCEPTION 'schema voxgate_guard exists and is not owned by a superuser: drop it, then run this file again';
    END IF;
END $$;

CREATE SCHEMA IF NOT EXISTS voxgate_guard;
REVOKE ALL ON SCHEMA voxgate_guard FROM PUBLIC;
GRANT USAGE ON SCHEMA voxgate_guard TO PUBLIC;

-- Audit tables: those with the append-only trigger (the last step of their migration).
CREATE OR REPLACE FUNCTION voxgate_guard.guarded_tables() RETURNS oid[] LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(tgrelid), '{}') FROM pg_catalog.pg_trigger WHERE tgname = 'audit_events_append_only'
$$;

-- What an audit table depends on: the functions its triggers call, and audit_row_text, which they call.
CREATE OR REPLACE FUNCTION voxgate_guard.guarded_functions() RETURNS oid[] LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT f), '{}') FROM (
        SELECT t.tgfoid AS f FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ANY (voxgate_guard.guarded_tables())
        UNION SELECT p.oid FROM pg_catalog.pg_proc p WHERE p.proname = 'audit_row_text') fs
$$;

-- The schemas holding either: renaming one would move the guarded objects out of the names
-- the switch and this guard know them by.
CREATE OR REPLACE FUNCTION voxgate_guard.guarded_schemas() RETURNS oid[] LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT s), '{}') FROM (
        SELECT c.relnamespace AS s FROM pg_catalog.pg_class c WHERE c.oid = ANY (voxgate_guard.guarded_tables())
        UNION SELECT p.pronamespace FROM pg_catalog.pg_proc p WHERE p.oid = ANY (voxgate_guard.guarded_functions())) ss
$$;

CREATE OR REPLACE FUNCTION voxgate_guard.is_superuser() RETURNS boolean LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false)
$$;

-- At the start of a command: what is guarded before it runs (a CREATE OR REPLACE keeps the OID).
CREATE OR REPLACE FUNCTION voxgate_guard.note_guarded() RETURNS event_trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_catalog.set_config('voxgate_guard.tables', voxgate_guard.guarded_tables()::text, true);
    PERFORM pg_catalog.set_config('voxgate_guard.functions', voxgate_guard.guarded_functions()::text, true);
    PERFORM pg_catalog.set_config('voxgate_guard.schemas', voxgate_guard.guarded_schemas()::text, true);
END $$;

CREATE OR REPLACE FUNCTION voxgate_guard.noted(name text) RETURNS oid[] LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(nullif(pg_catalog.current_setting('voxgate_guard.' || name, true), ''), '{}')::oid[]
$$;

CREATE OR REPLACE FUNCTION voxgate_guard.refuse_audit_ddl() RETURNS event_trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    command record;
    tables oid[];
BEGIN
    IF voxgate_guard.is_superuser() THEN
        RETURN;
    END IF;
    tables := voxgate_guard.noted('tables') || voxgate_guard.guarded_tables();
    FOR command IN SELECT * FROM pg_catalog.pg_event_trigger_ddl_commands() LOOP
        IF (command.object_type IN ('table', 'index', 'rule', 'policy')
                AND (command.objid = ANY (tables)
                     OR EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r WHERE r.oid = command.objid AND r.ev_class = ANY (tables))
                     OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.oid = command.objid AND p.polrelid = ANY (tables))))
           -- any trigger on a table that was an audit table before the command (its own append-only trigger, created last, is not)
           OR (command.object_type = 'trigger'
               AND EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.oid = command.objid
                            AND t.tgrelid = ANY (voxgate_guard.noted('tables'))))
           OR (command.object_type IN ('function', 'procedure', 'routine', 'aggregate')
               AND command.objid = ANY (voxgate_guard.noted('functions')))
           OR (command.object_type = 'schema' AND command.objid = ANY (voxgate_guard.noted('schemas')))
           -- an audit table hung under a parent (ATTACH PARTITION, INHERIT): statements on the parent skip its triggers
           OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = ANY (tables)) THEN
            RAISE EXCEPTION 'the audit log is append-only: % on % refused (only a superuser may change its definition)',
                command.command_tag, command.object_identity USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION voxgate_guard.refuse_audit_drop() RETURNS event_trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    dropped record;
BEGIN
    IF voxgate_guard.is_superuser() THEN
        RETURN;
    END IF;
    FOR dropped IN SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects() LOOP
        IF dropped.objid = ANY (voxgate_guard.noted('tables') || voxgate_guard.noted('functions') || voxgate_guard.noted('schemas'))
           OR dropped.object_identity ~ '\maudit_events\M' OR dropped.schema_name = 'voxgate_guard' THEN
            RAISE EXCEPTION 'the audit log is append-only: dropping % refused (only a superuser may)',
                dropped.object_identity USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
END $$;

-- Owned by whoever runs this file (a superuser), whatever created them before.
ALTER FUNCTION voxgate_guard.guarded_tables() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.guarded_functions() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.guarded_schemas() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.is_superuser() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.note_guarded() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.noted(text) OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.refuse_audit_ddl() OWNER TO CURRENT_USER;
ALTER FUNCTION voxgate_guard.refuse_audit_drop() OWNER TO CURRENT_USER;

-- The audit log's own functions, once their migration made them: resolved against pg_catalog only,
-- so a function the application's role creates (voxgate_control.clock_timestamp, sha256) cannot
-- forge an event's time or hash. (The guard refuses that role this ALTER; it runs here.)
DO $$
BEGIN
    IF pg_catalog.to_regprocedure('voxgate_control.audit_chain()') IS NOT NULL THEN
        ALTER FUNCTION voxgate_control.audit_chain() SET search_path = pg_catalog, pg_temp;
        ALTER FUNCTION voxgate_control.audit_refuse_change() SET search_path = pg_catalog, pg_temp;
        ALTER FUNCTION voxgate_control.audit_row_text(bigint, timestamptz, text, text, text, text, text, jsonb)
            SET search_path = pg_catalog, pg_temp;
    END IF;
END $$;

DROP EVENT TRIGGER IF EXISTS voxgate_guard_note_audit_functions; -- its first version's name
DROP EVENT TRIGGER IF EXISTS voxgate_guard_audit_note;
DROP EVENT TRIGGER IF EXISTS voxgate_guard_audit_ddl;
DROP EVENT TRIGGER IF EXISTS voxgate_guard_audit_drop;
CREATE EVENT TRIGGER voxgate_guard_audit_note ON ddl_command_start EXECUTE FUNCTION voxgate_guard.note_guarded();
CREATE EVENT TRIGGER voxgate_guard_audit_ddl ON ddl_command_end EXECUTE FUNCTION voxgate_guard.refuse_audit_ddl();
CREATE EVENT TRIGGER voxgate_guard_audit_drop ON sql_drop EXECUTE FUNCTION voxgate_guard.refuse_audit_drop();
