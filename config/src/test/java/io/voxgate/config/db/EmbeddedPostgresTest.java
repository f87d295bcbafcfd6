package io.voxgate.config.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import io.voxgate.config.testing.TestPostgres;

class EmbeddedPostgresTest {

    @Test
    void serverProcessesRunAsAnUnprivilegedUserWhenTheSwitchRunsAsRoot() throws IOException {
        assumeTrue(OsUser.currentIsRoot(), "only meaningful when the tests run as root (as in CI)");
        EmbeddedPostgres pg = TestPostgres.server();

        long pid = pg.serverPid().orElseThrow();

        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        int serverAccount = OsUser.lookup("voxgate-db").uid();
        assertThat(uidLine.split("\\s+")).containsOnly("Uid:", Integer.toString(serverAccount));
    }

    @Test
    void applicationRoleIsNotASuperuser() throws Exception {
        DatabaseConnection app = TestPostgres.server().applicationConnection();

        try (Connection c = DriverManager.getConnection(app.jdbcUrl(), app.username(), app.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
        }
    }

    @Test
    void wrongPasswordIsRefusedBecauseTheClusterDoesNotTrustLocalConnections() {
        EmbeddedPostgres pg = TestPostgres.server();

        assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), EmbeddedPostgres.APP_ROLE, "not-the-password"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void secondProcessCannotStartTheSameClusterWhileTheFirstOwnsIt() {
        EmbeddedPostgres pg = TestPostgres.server();
        Path root = pg.dataDirectory().getParent();

        assertThatThrownBy(() -> EmbeddedPostgres.start(root, root.resolveSibling("secrets"), 0, "voxgate-db"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another Voxgate process owns the embedded PostgreSQL");
    }

    @Test
    void restartKeepsTheDataAndTheCredentials(@org.junit.jupiter.api.io.TempDir Path scratch) throws Exception {
        Path base = reachableBy(scratch);
        try (EmbeddedPostgres first = startIn(base)) {
            execute(first.applicationConnection(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedPostgres second = startIn(base)) {
            DatabaseConnection app = second.applicationConnection();
            try (Connection c = DriverManager.getConnection(app.jdbcUrl(), app.username(), app.password());
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("still here");
            }
        }
    }

    @Test
    void startCompletesAFirstStartThatDiedBeforeTheApplicationRoleExisted(@org.junit.jupiter.api.io.TempDir Path scratch)
            throws Exception {
        Path base = reachableBy(scratch);
        try (EmbeddedPostgres first = startIn(base)) {
            String superuserPassword = Files.readString(base.resolve("secrets/embedded-postgres-superuser.password")).strip();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + first.port() + "/postgres",
                    "postgres", superuserPassword); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE voxgate");
                st.execute("DROP ROLE voxgate"); // as if the first start had died right after initdb
            }
        }
        try (EmbeddedPostgres second = startIn(base)) {
            execute(second.applicationConnection(), "CREATE TABLE works (v int)");
        }
    }

    /** JUnit's temp dir is 0700; the server's unprivileged account must be able to traverse it. */
    private static Path reachableBy(Path scratch) throws IOException {
        Files.setPosixFilePermissions(scratch, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        return scratch;
    }

    private static EmbeddedPostgres startIn(Path base) throws IOException {
        return EmbeddedPostgres.start(base.resolve("pg"), base.resolve("secrets"), 0, "voxgate-db");
    }

    @Test
    void rootIsNeverTheServerAccount() {
        assertThatThrownBy(() -> OsUser.lookupOrCreateSystemAccount("root"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("database.embedded.os-user 'root'");
    }

    @Test
    void unreachableDataDirectoryFailsWithTheDirectoryAndTheConfigKey() throws Exception {
        assumeTrue(OsUser.currentIsRoot(), "the unprivileged server account only exists when running as root");
        Path hidden = Files.createTempDirectory("voxgate-pg-hidden-"); // 0700: the server's account cannot enter
        try {
            assertThatThrownBy(() -> EmbeddedPostgres.start(hidden.resolve("pg"), hidden.resolve("secrets"), 0, "voxgate-db"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(hidden.toString())
                    .hasMessageContaining("database.embedded.os-user");
        } finally {
            PostgresBinaries.deleteRecursively(hidden);
        }
    }

    private static void execute(DatabaseConnection db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
