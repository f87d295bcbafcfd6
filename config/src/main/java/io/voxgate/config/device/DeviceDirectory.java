package io.voxgate.config.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/**
 * Devices of a tenant. A MAC is registered in the control schema too, in the same transaction,
 * so one phone can never belong to two tenants.
 */
public final class DeviceDirectory {

    private static final Pattern CANONICAL_MAC = Pattern.compile("[0-9a-f]{12}");

    private static final String SELECT_DEVICE = """
            SELECT d.id, d.mac, d.vendor, d.model, u.extension, d.status
              FROM devices d LEFT JOIN users u ON u.id = d.owner_user_id
            """;

    private final ConfigDatabase database;

    public DeviceDirectory(ConfigDatabase database) {
        this.database = database;
    }

    public Device add(Tenant tenant, String mac, String vendor, String model, String ownerExtension) {
        requireCanonicalMac(mac);
        return database.inTenant(tenant.schema(), c -> {
            Sql.update(c, "INSERT INTO voxgate_control.device_macs (mac, tenant_id) VALUES (?, ?)", mac, tenant.id());
            Sql.update(c, """
                    INSERT INTO devices (mac, vendor, model, owner_user_id)
                    VALUES (?, ?, ?, (SELECT id FROM users WHERE extension = ?))
                    """, mac, vendor, model, ownerExtension);
            Device added = Sql.one(c, SELECT_DEVICE + " WHERE d.mac = ?", DeviceDirectory::read, mac).orElseThrow();
            if (ownerExtension != null && added.ownerExtension() == null) {
                // thrown inside the transaction: both inserts are rolled back
                throw new IllegalArgumentException("owner extension '" + ownerExtension + "' does not exist in tenant "
                        + tenant.slug());
            }
            return added;
        });
    }

    public boolean setStatus(Tenant tenant, String mac, String status) {
        return database.inTenant(tenant.schema(),
                c -> Sql.update(c, "UPDATE devices SET status = ?, updated_at = now() WHERE mac = ?", status, mac) == 1);
    }

    /** Removes the device and frees its MAC for enrolment elsewhere; false when the tenant has no such device. */
    public boolean delete(Tenant tenant, String mac) {
        return database.inTenant(tenant.schema(), c -> {
            boolean deleted = Sql.update(c, "DELETE FROM devices WHERE mac = ?", mac) == 1;
            if (deleted) {
                Sql.update(c, "DELETE FROM voxgate_control.device_macs WHERE mac = ? AND tenant_id = ?", mac, tenant.id());
            }
            return deleted;
        });
    }

    public Optional<Device> find(Tenant tenant, String mac) {
        return database.inTenant(tenant.schema(),
                c -> Sql.one(c, SELECT_DEVICE + " WHERE d.mac = ?", DeviceDirectory::read, mac));
    }

    public List<Device> list(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, SELECT_DEVICE + " ORDER BY d.mac", DeviceDirectory::read));
    }

    private static void requireCanonicalMac(String mac) {
        if (mac == null || !CANONICAL_MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("MAC '" + mac + "' is not canonical: expected 12 lower-case hex digits");
        }
    }

    private static Device read(ResultSet rs) throws SQLException {
        return new Device(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6));
    }
}
