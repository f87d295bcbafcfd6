-- The audit log's guard against its own application: run as a superuser in Voxgate's database
-- (the switch does so itself with its embedded PostgreSQL; with your own PostgreSQL, a DBA runs
-- this file with psql -v ON_ERROR_STOP=1 -f, once, and again after upgrades). Idempotent.
--
-- The triggers of db/control V4 and db/tenant V3 refuse UPDATE, DELETE and TRUNCATE of audit
-- events for every role. But the application's role owns its schemas, so without this guard it
-- could switch those triggers off (ALTER TABLE ... DISABLE TRIGGER), replace the functions they
-- call, drop them, or hide new events behind a rule or trigger of its own. These event triggers
-- refuse all of that to any role but a superuser, while migrations still create new tenants'
-- audit tables. They live in a schema the application's role does not own, so it cannot drop them.

CREATE SCHEMA IF NOT EXISTS voxgate_guard;
REVOKE CREATE ON SCHEMA voxgate_guard FROM PUBLIC;
GRANT USAGE ON SCHEMA voxgate_guard TO PUBLIC;

-- The audit functions as they are before a command: one that exists is never replaced or altered.
CREATE OR REPLACE FUNCTION voxgate_guard.audit_functions() RETURNS oid[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(p.oid), '{}') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'voxgate_control' AND p.proname IN ('audit_row_text', 'audit_chain', 'audit_refuse_change')
$$;

-- A table is an audit table once its append-only trigger exists (the last step of its migration).
CREATE OR REPLACE FUNCTION voxgate_guard.is_guarded_table(relation oid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = relation AND tgname = 'audit_events_append_only')
$$;

CREATE OR REPLACE FUNCTION voxgate_guard.note_audit_functions() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('voxgate_guard.functions_before', voxgate_guard.audit_functions()::text, true);
END $$;

CREATE OR REPLACE FUNCTION voxgate_guard.refuse_audit_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    command record;
    before oid[];
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN;
    END IF;
    before := coalesce(nullif(current_setting('voxgate_guard.functions_before', true), ''), '{}')::oid[];
    FOR command IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF (command.object_type = 'table' AND voxgate_guard.is_guarded_table(command.objid))
           OR (command.object_type = 'function' AND command.objid = ANY (before))
           OR (command.object_type IN ('trigger', 'rule') AND command.command_tag <> 'CREATE TRIGGER'
               AND command.object_identity ~ '\maudit_events$')
           OR (command.object_type = 'trigger' AND command.command_tag = 'CREATE TRIGGER'
               AND voxgate_guard.is_guarded_table((SELECT tgrelid FROM pg_trigger WHERE oid = command.objid))
               AND (SELECT tgname FROM pg_trigger WHERE oid = command.objid) <> 'audit_events_append_only')
           OR (command.object_type = 'rule' AND command.object_identity ~ '\maudit_events$') THEN
            RAISE EXCEPTION 'the audit log is append-only: % on % refused (only a superuser may change its definition)',
                command.command_tag, command.object_identity USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION voxgate_guard.refuse_audit_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    dropped record;
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        RETURN;
    END IF;
    FOR dropped IN SELECT * FROM pg_event_trigger_dropped_objects() LOOP
        IF dropped.object_identity ~ '\maudit_events\M'
           OR dropped.object_identity ~ '^voxgate_control\.(audit_row_text|audit_chain|audit_refuse_change)\(' THEN
            RAISE EXCEPTION 'the audit log is append-only: dropping % refused (only a superuser may)',
                dropped.object_identity USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS voxgate_guard_note_audit_functions;
DROP EVENT TRIGGER IF EXISTS voxgate_guard_audit_ddl;
DROP EVENT TRIGGER IF EXISTS voxgate_guard_audit_drop;
CREATE EVENT TRIGGER voxgate_guard_note_audit_functions ON ddl_command_start
    WHEN TAG IN ('CREATE FUNCTION', 'ALTER FUNCTION') EXECUTE FUNCTION voxgate_guard.note_audit_functions();
CREATE EVENT TRIGGER voxgate_guard_audit_ddl ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'CREATE TRIGGER', 'ALTER TRIGGER', 'CREATE RULE', 'CREATE FUNCTION', 'ALTER FUNCTION')
    EXECUTE FUNCTION voxgate_guard.refuse_audit_ddl();
CREATE EVENT TRIGGER voxgate_guard_audit_drop ON sql_drop EXECUTE FUNCTION voxgate_guard.refuse_audit_drop();
