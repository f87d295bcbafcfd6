package io.voxgate.config.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.ConfigStoreException;
import io.voxgate.config.db.DatabaseConnection;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;

class AuditLogTest {

    private DatabaseConnection connection;
    private ConfigDatabase database;
    private AuditLog audit;
    private Tenant acme;
    private Tenant globex;

    @BeforeEach
    void twoTenants() {
        connection = TestPostgres.freshDatabase();
        database = ConfigDatabase.connect(connection, 6);
        database.migrate();
        try {
            // as the switch does after its migrations: the audit functions now exist to be pinned
            TestPostgres.server().installAuditGuard(connection.jdbcUrl().substring(connection.jdbcUrl().lastIndexOf('/') + 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        globex = tenants.create("globex", "Globex", "globex.example");
        audit = new AuditLog(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static AuditEvent download(String file, AuditEvent.Outcome outcome) {
        return new AuditEvent("device:001565abcdef", "provisioning.download", file, "192.0.2.7", outcome, Map.of("status", "200"));
    }

    @Test
    void eventsAreNumberedInOrderAndKeptInTheirTenantsLog() {
        assertThat(audit.record(acme, download("001565abcdef.cfg", AuditEvent.Outcome.SUCCESS))).isEqualTo(1);
        assertThat(audit.record(acme, download("001565abcdef.cfg", AuditEvent.Outcome.REFUSED))).isEqualTo(2);
        assertThat(audit.record(globex, download("other.cfg", AuditEvent.Outcome.SUCCESS))).isEqualTo(1);
        audit.record(null, new AuditEvent("device:unknown", "provisioning.unknown-mac", "0015659999aa.cfg", "192.0.2.9",
                AuditEvent.Outcome.REFUSED, null));

        List<AuditRecord> acmeEvents = audit.newest(acme, 10);
        assertThat(acmeEvents).extracting(AuditRecord::seq).containsExactly(2L, 1L);
        assertThat(acmeEvents.getFirst().outcome()).isEqualTo("refused");
        assertThat(acmeEvents.getFirst().detailJson()).isEqualTo("{\"status\": \"200\"}");
        assertThat(audit.newest(globex, 10)).singleElement().extracting(AuditRecord::target).isEqualTo("other.cfg");
        assertThat(audit.newest(null, 10)).singleElement().extracting(AuditRecord::action).isEqualTo("provisioning.unknown-mac");
        assertThat(audit.verify(acme).intact()).isTrue();
        assertThat(audit.verify(acme).rows()).isEqualTo(2);
        assertThat(audit.verify(null).intact()).isTrue();
    }

    @Test
    void theDatabaseRefusesToChangeOrRemoveAnEvent() {
        audit.record(acme, download("001565abcdef.cfg", AuditEvent.Outcome.SUCCESS));

        assertThatThrownBy(() -> database.inTenant(acme.schema(), c -> Sql.update(c, "UPDATE audit_events SET outcome = 'refused'")))
                .isInstanceOf(ConfigStoreException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> database.inTenant(acme.schema(), c -> Sql.update(c, "DELETE FROM audit_events")))
                .isInstanceOf(ConfigStoreException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> database.inTenant(acme.schema(), c -> Sql.update(c, "TRUNCATE audit_events")))
                .isInstanceOf(ConfigStoreException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> database.inControl(c -> Sql.update(c, "DELETE FROM audit_events")))
                .isInstanceOf(ConfigStoreException.class).hasMessageContaining("append-only");
        assertThat(audit.newest(acme, 10)).singleElement().extracting(AuditRecord::outcome).isEqualTo("success");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER audit_events_append_only",
            "ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE voxgate_control.audit_events DISABLE TRIGGER audit_events_append_only",
            "ALTER TABLE tenant_acme.audit_events RENAME TO old_events",
            "ALTER TABLE tenant_acme.audit_events ENABLE ROW LEVEL SECURITY",
            "DROP TRIGGER audit_events_append_only ON tenant_acme.audit_events",
            "ALTER TRIGGER audit_events_chain ON tenant_acme.audit_events RENAME TO chain_off",
            "CREATE OR REPLACE FUNCTION voxgate_control.audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
            "ALTER FUNCTION voxgate_control.audit_chain() RENAME TO audit_chain_old",
            "CREATE RULE hide AS ON INSERT TO tenant_acme.audit_events DO INSTEAD NOTHING",
            "CREATE TRIGGER hide BEFORE INSERT ON tenant_acme.audit_events FOR EACH ROW EXECUTE FUNCTION voxgate_control.audit_refuse_change()",
            "DROP TABLE tenant_acme.audit_events",
            "DROP FUNCTION voxgate_control.audit_refuse_change() CASCADE",
            "DROP SCHEMA tenant_acme CASCADE",
            "DROP EVENT TRIGGER voxgate_guard_audit_ddl",
            "DROP FUNCTION voxgate_guard.refuse_audit_ddl() CASCADE",
            "CREATE OR REPLACE FUNCTION voxgate_guard.guarded_tables() RETURNS oid[] LANGUAGE sql AS 'SELECT ''{}''::oid[]'",
            "CREATE TEMP VIEW pg_roles AS SELECT session_user::name AS rolname, true AS rolsuper; "
                    + "ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER ALL",
            "CREATE TEMP VIEW pg_trigger AS SELECT * FROM pg_catalog.pg_trigger WHERE false; "
                    + "ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER ALL",
            "SET search_path = pg_temp, voxgate_control, pg_catalog; ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER ALL",
            "CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$; "
                    + "CREATE OR REPLACE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON tenant_acme.audit_events "
                    + "FOR EACH STATEMENT EXECUTE FUNCTION public.noop()",
            "ALTER ROUTINE voxgate_control.audit_refuse_change() RENAME TO old_refuse",
            "ALTER SCHEMA voxgate_control RENAME TO vc",
            "ALTER SCHEMA tenant_acme RENAME TO acme_old",
            "CREATE TABLE public.parent (LIKE tenant_acme.audit_events) PARTITION BY RANGE (seq); "
                    + "ALTER TABLE public.parent ATTACH PARTITION tenant_acme.audit_events FOR VALUES FROM (MINVALUE) TO (MAXVALUE)",
            "CREATE TABLE public.parent2 (LIKE tenant_acme.audit_events); ALTER TABLE tenant_acme.audit_events INHERIT public.parent2",
            "CREATE POLICY hide ON tenant_acme.audit_events USING (false)",
            "DROP OWNED BY CURRENT_USER"})
    void theApplicationsOwnRoleCannotSwitchTheAppendOnlyGuardOffOrRedefineIt(String attack) {
        audit.record(acme, download("001565abcdef.cfg", AuditEvent.Outcome.SUCCESS));

        // refused by the guard, or by PostgreSQL itself for what only an owner (a superuser) may do; never by a typo of the test's
        assertThatThrownBy(() -> database.inControl(c -> Sql.update(c, attack))).isInstanceOf(ConfigStoreException.class)
                .satisfies(e -> assertThat(rootMessage(e)).containsAnyOf("append-only", "must be owner", "permission denied"));

        assertThatThrownBy(() -> database.inTenant(acme.schema(), c -> Sql.update(c, "DELETE FROM audit_events")))
                .hasMessageContaining("append-only");
        audit.record(acme, download("001565abcdef.cfg", AuditEvent.Outcome.REFUSED));
        assertThat(audit.newest(acme, 10)).hasSize(2);
        assertThat(audit.verify(acme).intact()).isTrue();
    }

    @Test
    void aBuiltInShadowedByTheApplicationsRoleCannotForgeAnEventsTime() {
        database.inTenant(acme.schema(), c -> {
            Sql.update(c, "CREATE FUNCTION tenant_acme.clock_timestamp() RETURNS timestamptz LANGUAGE sql AS $$SELECT '2020-01-01'::timestamptz$$");
            Sql.update(c, "SET LOCAL search_path = tenant_acme, pg_catalog"); // pg_catalog listed last: ours would be found first
            return Sql.update(c, "INSERT INTO audit_events (actor, action, outcome) VALUES ('admin:x', 'forged.time', 'success')");
        });

        assertThat(audit.newest(acme, 1).getFirst().occurredAt()).isAfter(java.time.Instant.now().minusSeconds(3600));
        assertThat(audit.verify(acme).intact()).isTrue();
    }

    @Test
    void theGuardLetsMigrationsCreateANewTenantsAuditLog() {
        Tenant initech = new TenantDirectory(database).create("initech", "Initech", "initech.example");

        audit.record(initech, download("001565abcdef.cfg", AuditEvent.Outcome.SUCCESS));

        assertThat(audit.verify(initech).rows()).isEqualTo(1);
        assertThatThrownBy(() -> database.inTenant(initech.schema(), c -> Sql.update(c, "ALTER TABLE audit_events DISABLE TRIGGER ALL")))
                .hasMessageContaining("append-only");
    }

    @Test
    void aRowChangedBehindTheDatabasesBackBreaksTheChainThere() throws Exception {
        for (int i = 0; i < 4; i++) {
            audit.record(acme, download("file-" + i + ".cfg", AuditEvent.Outcome.SUCCESS));
        }
        asSuperuser("UPDATE tenant_acme.audit_events SET target = 'innocent.cfg' WHERE seq = 3");

        assertThat(audit.verify(acme).firstBrokenSeq()).contains(3L);
        assertThat(audit.verify(globex).intact()).isTrue();
    }

    @Test
    void aRowRemovedBehindTheDatabasesBackBreaksTheChainThere() throws Exception {
        for (int i = 0; i < 4; i++) {
            audit.record(acme, download("file-" + i + ".cfg", AuditEvent.Outcome.SUCCESS));
        }
        asSuperuser("DELETE FROM tenant_acme.audit_events WHERE seq = 2");

        assertThat(audit.verify(acme).firstBrokenSeq()).contains(2L);
    }

    @Test
    void concurrentWritersGetAGaplessIntactChain() throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        audit.record(acme, download("w" + writer + "-" + i + ".cfg", AuditEvent.Outcome.SUCCESS));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdown();
        }

        AuditLog.Verification verification = audit.verify(acme);
        assertThat(verification.intact()).isTrue();
        assertThat(verification.rows()).isEqualTo(100);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        return messages.toString();
    }

    /** What only a superuser can do: switch the guard off, change the table, switch it on again. */
    private void asSuperuser(String change) throws Exception {
        String databaseName = connection.jdbcUrl().substring(connection.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection c = TestPostgres.superuser(databaseName); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE tenant_acme.audit_events DISABLE TRIGGER audit_events_append_only");
            st.execute(change);
            st.execute("ALTER TABLE tenant_acme.audit_events ENABLE TRIGGER audit_events_append_only");
        }
    }
}
