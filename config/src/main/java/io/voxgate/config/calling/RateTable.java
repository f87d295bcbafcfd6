package io.voxgate.config.calling;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/**
 * A tenant's rate table (db/tenant V8): what a minute to numbers under a prefix costs, which the
 * daily spend cap of its fraud limits is counted against (longest prefix wins). Enforced in the
 * call path by the next issue.
 */
public final class RateTable {

    public record Rate(String prefix, BigDecimal pricePerMinute, String currency, String description) {
    }

    private static final String SELECT = "SELECT prefix, price_per_minute, currency, description FROM rates";

    private final ConfigDatabase database;

    public RateTable(ConfigDatabase database) {
        this.database = database;
    }

    public List<Rate> list(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, SELECT + " ORDER BY prefix", RateTable::read));
    }

    public Optional<Rate> find(Tenant tenant, String prefix) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, SELECT + " WHERE prefix = ?", RateTable::read, prefix));
    }

    /** The rate of the longest prefix of {@code e164Digits}, if any. */
    public Optional<Rate> rateFor(Tenant tenant, String e164Digits) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, SELECT + " WHERE ? LIKE prefix || '%' ORDER BY length(prefix) DESC LIMIT 1",
                RateTable::read, e164Digits));
    }

    public Rate put(Tenant tenant, Rate rate) {
        return database.inTenant(tenant.schema(), c -> {
            Sql.update(c, """
                    INSERT INTO rates (prefix, price_per_minute, currency, description) VALUES (?, ?, ?, ?)
                    ON CONFLICT (prefix) DO UPDATE SET price_per_minute = excluded.price_per_minute, currency = excluded.currency,
                        description = excluded.description, updated_at = now()
                    """, rate.prefix(), rate.pricePerMinute(), rate.currency(), rate.description());
            return Sql.one(c, SELECT + " WHERE prefix = ?", RateTable::read, rate.prefix()).orElseThrow();
        });
    }

    public boolean delete(Tenant tenant, String prefix) {
        return database.inTenant(tenant.schema(), c -> Sql.update(c, "DELETE FROM rates WHERE prefix = ?", prefix) == 1);
    }

    private static Rate read(ResultSet rs) throws SQLException {
        return new Rate(rs.getString(1), rs.getBigDecimal(2), rs.getString(3), rs.getString(4));
    }
}
