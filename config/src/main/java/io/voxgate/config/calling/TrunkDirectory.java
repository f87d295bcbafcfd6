package io.voxgate.config.calling;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.user.CredentialSeal;

/** A tenant's carrier trunks (db/tenant V7); passwords go in sealed, bound to the tenant and trunk. */
public final class TrunkDirectory {

    private static final String SELECT = """
            SELECT name, host, port, username, password_sealed IS NOT NULL, outbound_prefix, enabled FROM trunks
            """;

    private final ConfigDatabase database;
    private final CredentialSeal seal;

    public TrunkDirectory(ConfigDatabase database, CredentialSeal seal) {
        this.database = database;
        this.seal = seal;
    }

    public List<Trunk> list(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, SELECT + " ORDER BY name", TrunkDirectory::read));
    }

    public Optional<Trunk> find(Tenant tenant, String name) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, SELECT + " WHERE name = ?", TrunkDirectory::read, name));
    }

    /** Creates or replaces a trunk; a null password keeps the one stored. */
    public Trunk put(Tenant tenant, String name, String host, int port, String username, String password, String outboundPrefix,
                     boolean enabled) {
        byte[] sealed = password == null ? null : seal.seal(tenant.schema().name(), "trunk:" + name, password);
        return database.inTenant(tenant.schema(), c -> {
            Sql.update(c, """
                    INSERT INTO trunks (name, host, port, username, password_sealed, outbound_prefix, enabled) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET host = excluded.host, port = excluded.port, username = excluded.username,
                        password_sealed = coalesce(excluded.password_sealed, trunks.password_sealed),
                        outbound_prefix = excluded.outbound_prefix, enabled = excluded.enabled, updated_at = now()
                    """, name, host, port, username, sealed, outboundPrefix, enabled);
            return Sql.one(c, SELECT + " WHERE name = ?", TrunkDirectory::read, name).orElseThrow();
        });
    }

    /** Removes a trunk with its sealed password; false when the tenant has no such trunk. */
    public boolean delete(Tenant tenant, String name) {
        return database.inTenant(tenant.schema(), c -> Sql.update(c, "DELETE FROM trunks WHERE name = ?", name) == 1);
    }

    private static Trunk read(ResultSet rs) throws SQLException {
        return new Trunk(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getBoolean(5), rs.getString(6),
                rs.getBoolean(7));
    }
}
