package io.voxgate.config.admin;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;

/** OAuth apps (db/control V7), looked up by client id at the token endpoint and by id on every request. */
public final class OAuthAppDirectory {

    private static final String SELECT = """
            SELECT id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, revoked_at FROM oauth_apps
            """;

    private final ConfigDatabase database;

    public OAuthAppDirectory(ConfigDatabase database) {
        this.database = database;
    }

    public OAuthApp create(UUID tenantId, String name, String clientId, byte[] secretHash, List<String> scopes, String createdBy) {
        return database.inControl(c -> {
            Array scopeArray = c.createArrayOf("text", scopes.toArray());
            return Sql.one(c, """
                    INSERT INTO oauth_apps (tenant_id, name, client_id, secret_hash, scopes, created_by) VALUES (?, ?, ?, ?, ?, ?)
                    RETURNING id, tenant_id, name, client_id, secret_hash, scopes, created_by, created_at, revoked_at
                    """, OAuthAppDirectory::read, tenantId, name, clientId, secretHash, scopeArray, createdBy).orElseThrow();
        });
    }

    public Optional<OAuthApp> findByClientId(String clientId) {
        return database.inControl(c -> Sql.one(c, SELECT + " WHERE client_id = ?", OAuthAppDirectory::read, clientId));
    }

    public Optional<OAuthApp> find(UUID id) {
        return database.inControl(c -> Sql.one(c, SELECT + " WHERE id = ?", OAuthAppDirectory::read, id));
    }

    public List<OAuthApp> list(UUID tenantId) {
        return database.inControl(c -> Sql.list(c, SELECT + " WHERE tenant_id = ? ORDER BY client_id", OAuthAppDirectory::read, tenantId));
    }

    /** False when the tenant has no such live app. */
    public boolean revoke(UUID tenantId, String clientId) {
        return database.inControl(c -> Sql.update(c,
                "UPDATE oauth_apps SET revoked_at = now() WHERE tenant_id = ? AND client_id = ? AND revoked_at IS NULL", tenantId, clientId) == 1);
    }

    private static OAuthApp read(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp(9);
        return new OAuthApp(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getString(4), rs.getBytes(5),
                Arrays.asList((String[]) rs.getArray(6).getArray()), rs.getString(7), rs.getTimestamp(8).toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
