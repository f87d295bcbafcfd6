package io.voxgate.config.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import io.voxgate.config.tenant.TenantSchema;

/** Flyway migrations: {@code db/control} for the control schema, {@code db/tenant} for each tenant's schema. */
public final class SchemaMigrations {

    private SchemaMigrations() {
    }

    public static void migrateControl(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(ConfigDatabase.CONTROL_SCHEMA)
                .createSchemas(true)
                .locations("classpath:db/control")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    public static void migrateTenant(DataSource dataSource, TenantSchema schema) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema.name())
                .createSchemas(true)
                .locations("classpath:db/tenant")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    static List<TenantSchema> tenantSchemas(Connection c) throws SQLException {
        List<TenantSchema> schemas = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT slug FROM tenants ORDER BY slug")) {
            while (rs.next()) {
                schemas.add(TenantSchema.of(rs.getString(1)));
            }
        }
        return schemas;
    }
}
