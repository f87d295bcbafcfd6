package io.voxgate.config.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.voxgate.config.tenant.TenantSchema;

/**
 * The pooled connection to the configuration database and the one way to run work in it:
 * a transaction in the control schema or in exactly one tenant's schema.
 */
public final class ConfigDatabase implements AutoCloseable {

    public static final String CONTROL_SCHEMA = "voxgate_control";

    private final HikariDataSource dataSource;
    private final DatabaseConnection connection;

    private ConfigDatabase(HikariDataSource dataSource, DatabaseConnection connection) {
        this.dataSource = dataSource;
        this.connection = connection;
    }

    public static ConfigDatabase connect(DatabaseConnection connection, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("voxgate-config");
        config.setJdbcUrl(connection.jdbcUrl());
        config.setUsername(connection.username());
        config.setPassword(connection.password());
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        config.addDataSourceProperty("ApplicationName", "voxgate");
        return new ConfigDatabase(new HikariDataSource(config), connection);
    }

    /**
     * Brings the control schema and every tenant's schema to the newest migration. A tenant left
     * 'provisioning' by a creation that died half-way is completed here.
     */
    public void migrate() {
        SchemaMigrations.migrateControl(dataSource);
        for (TenantSchema schema : inControl(SchemaMigrations::tenantSchemas)) {
            SchemaMigrations.migrateTenant(dataSource, schema);
        }
        inControl(c -> Sql.update(c, "UPDATE tenants SET status = 'active', updated_at = now() WHERE status = 'provisioning'"));
    }

    public <T> T inControl(SqlWork<T> work) {
        return inTransaction(CONTROL_SCHEMA, work);
    }

    public <T> T inTenant(TenantSchema schema, SqlWork<T> work) {
        return inTransaction(schema.name(), work);
    }

    private <T> T inTransaction(String searchPath, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // set_config(..., true) scopes the search path to this transaction, and takes the
                // schema name as a bind parameter rather than as SQL text.
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('search_path', ?, true)")) {
                    ps.setString(1, searchPath);
                    ps.execute();
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw ConfigStoreException.from(e);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The connection settings, for the change feed's own dedicated (unpooled) connection. */
    public DatabaseConnection connectionSettings() {
        return connection;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
