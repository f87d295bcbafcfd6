package io.voxgate.config.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/** A tenant's custom admin roles (db/tenant V8): named sets of permission names, checked by the admin API. */
public final class CustomRoles {

    /** @param permissions as the admin API names them, e.g. {@code users_read} */
    public record CustomRole(String name, List<String> permissions) {
        public CustomRole {
            permissions = List.copyOf(permissions);
        }

        /** As an admin account holds it. */
        public String roleId() {
            return ROLE_PREFIX + name;
        }
    }

    public static final String ROLE_PREFIX = "custom:";

    private final ConfigDatabase database;

    public CustomRoles(ConfigDatabase database) {
        this.database = database;
    }

    public List<CustomRole> list(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, "SELECT name, permissions FROM custom_roles ORDER BY name",
                CustomRoles::read));
    }

    public Optional<CustomRole> find(Tenant tenant, String name) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, "SELECT name, permissions FROM custom_roles WHERE name = ?",
                CustomRoles::read, name));
    }

    public CustomRole put(Tenant tenant, CustomRole role) {
        return database.inTenant(tenant.schema(), c -> {
            Sql.update(c, """
                    INSERT INTO custom_roles (name, permissions) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET permissions = excluded.permissions, updated_at = now()
                    """, role.name(), c.createArrayOf("text", role.permissions().toArray()));
            return role;
        });
    }

    /**
     * Removes a role no account holds.
     *
     * @return false when the tenant has no such role
     * @throws IllegalStateException when accounts still hold it
     */
    public boolean delete(Tenant tenant, String name) {
        return database.inTenant(tenant.schema(), c -> {
            long holders = Sql.one(c, "SELECT count(*) FROM voxgate_control.admin_accounts WHERE tenant_id = ? AND role = ?",
                    rs -> rs.getLong(1), tenant.id(), ROLE_PREFIX + name).orElse(0L);
            if (holders > 0) {
                throw new IllegalStateException("role " + ROLE_PREFIX + name + " is held by " + holders + " admin account(s)");
            }
            return Sql.update(c, "DELETE FROM custom_roles WHERE name = ?", name) == 1;
        });
    }

    private static CustomRole read(ResultSet rs) throws SQLException {
        return new CustomRole(rs.getString(1), Arrays.asList((String[]) rs.getArray(2).getArray()));
    }
}
