package io.voxgate.config.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.voxgate.config.db.DatabaseConnection;
import io.voxgate.config.db.EmbeddedPostgres;

/**
 * One real embedded PostgreSQL per test JVM, started the way the switch starts it (as an
 * unprivileged OS user when the tests run as root). Each caller gets its own fresh database, so
 * tests do not see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger databases = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static Path root;

    private TestPostgres() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                root = Files.createTempDirectory("voxgate-test-pg-");
                // The server's unprivileged account must be able to reach its directory.
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
                server = EmbeddedPostgres.start(root.resolve("postgres"), root.resolve("secrets"), 0, "voxgate-db");
                Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop, "test-postgres-stop"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL", e);
            }
        }
        return server;
    }

    /** A new, empty database owned by the application role. */
    public static DatabaseConnection freshDatabase() {
        EmbeddedPostgres pg = server();
        String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = superuser("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " OWNER " + EmbeddedPostgres.APP_ROLE);
            pg.installAuditGuard(name); // as the switch's own database has it
            DatabaseConnection app = pg.applicationConnection();
            return new DatabaseConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + name, app.username(), app.password());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
    }

    /** A superuser connection, for tests that must do what the application cannot (kill a session). */
    public static Connection superuser(String database) throws SQLException {
        try {
            String password = Files.readString(root.resolve("secrets").resolve("embedded-postgres-superuser.password"),
                    StandardCharsets.UTF_8).trim();
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server().port() + "/" + database,
                    "postgres", password);
        } catch (IOException e) {
            throw new SQLException("cannot read the test superuser password", e);
        }
    }

    private static synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + root + ": " + e);
            }
        }
    }
}
