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

    /** Whether the guard's event triggers are in place in the database {@code c} is connected to. */
    public static boolean isInstalled(Connection c) throws SQLException {
        return Sql.one(c, "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'voxgate_guard_audit_%' AND evtenabled <> 'D'",
                rs -> rs.getInt(1), new Object[0]).orElse(0) == 2;
    }
}
