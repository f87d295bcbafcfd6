package io.voxgate.config.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The event triggers of {@code db/guard/audit-guard.sql}: without them the application's role,
 * which owns its schemas, could switch off the audit log's append-only triggers. Only a superuser
 * can install them: the embedded PostgreSQL does at every start; with an external PostgreSQL a DBA
 * runs the file, and the switch warns at start while it is missing.
 */
public final class AuditGuard {

    public static final String RESOURCE = "db/guard/audit-guard.sql";

    private AuditGuard() {
    }

    public static String sql() {
        try (InputStream in = AuditGuard.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether the guard's three event triggers are in place and enabled in the database {@code c}
     * is connected to, in a schema a superuser owns.
     */
    public static boolean isInstalled(Connection c) throws SQLException {
        return Sql.one(c, """
                SELECT count(*) FROM pg_catalog.pg_event_trigger e
                  JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
                 WHERE e.evtname IN ('voxgate_guard_audit_note', 'voxgate_guard_audit_ddl', 'voxgate_guard_audit_drop')
                   AND e.evtenabled <> 'D' AND n.nspname = 'voxgate_guard' AND r.rolsuper
                """, rs -> rs.getInt(1)).orElse(0) == 3;
    }
}
