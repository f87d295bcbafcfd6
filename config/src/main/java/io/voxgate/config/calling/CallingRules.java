package io.voxgate.config.calling;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/** A tenant's dial plans and fraud limits (db/tenant V6); the change feed tells running switches. */
public final class CallingRules {

    private final ConfigDatabase database;

    public CallingRules(ConfigDatabase database) {
        this.database = database;
    }

    private static final String SELECT_PLAN = """
            SELECT applies_to, national, mobile, toll_free, international, premium, high_risk, allowed_countries, blocked_countries,
                   allowed_prefixes, blocked_prefixes FROM dial_plans WHERE applies_to = ?
            """;
    private static final String SELECT_LIMITS = """
            SELECT applies_to, concurrent_calls, international_calls_per_hour, international_calls_per_day,
                   international_minutes_per_hour, international_minutes_per_day, daily_spend_cap_cents, currency, allowed_from,
                   allowed_until, allowed_days FROM fraud_limits WHERE applies_to = ?
            """;

    public Optional<DialPlan> dialPlan(Tenant tenant, String appliesTo) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, SELECT_PLAN, CallingRules::readPlan, appliesTo));
    }

    /** What a conditional write found: the stored value it replaced (or would have), and whether it wrote. */
    public record Write<T>(boolean written, Optional<T> before) {
    }

    public DialPlan putDialPlan(Tenant tenant, DialPlan plan) {
        putDialPlan(tenant, plan, stored -> true);
        return plan;
    }

    /**
     * Writes {@code plan} if {@code stillAsRead} holds for the plan stored now, the check and the
     * write in one transaction under a lock on the scope: two admins sending the same If-Match at
     * the same instant cannot both pass.
     */
    public Write<DialPlan> putDialPlan(Tenant tenant, DialPlan plan, Predicate<Optional<DialPlan>> stillAsRead) {
        return database.inTenant(tenant.schema(), c -> {
            lockScope(c, tenant, "dial_plans", plan.appliesTo());
            Optional<DialPlan> before = Sql.one(c, SELECT_PLAN, CallingRules::readPlan, plan.appliesTo());
            if (!stillAsRead.test(before)) {
                return new Write<>(false, before);
            }
            Sql.update(c, """
                    INSERT INTO dial_plans (applies_to, national, mobile, toll_free, international, premium, high_risk, allowed_countries,
                                            blocked_countries, allowed_prefixes, blocked_prefixes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (applies_to) DO UPDATE SET national = excluded.national, mobile = excluded.mobile,
                        toll_free = excluded.toll_free, international = excluded.international, premium = excluded.premium,
                        high_risk = excluded.high_risk, allowed_countries = excluded.allowed_countries,
                        blocked_countries = excluded.blocked_countries, allowed_prefixes = excluded.allowed_prefixes,
                        blocked_prefixes = excluded.blocked_prefixes, updated_at = now()
                    """, plan.appliesTo(), plan.national(), plan.mobile(), plan.tollFree(), plan.international(), plan.premium(),
                    plan.highRisk(), array(c, plan.allowedCountries()), array(c, plan.blockedCountries()), array(c, plan.allowedPrefixes()),
                    array(c, plan.blockedPrefixes()));
            return new Write<>(true, before);
        });
    }

    /** Serialises writes of one scope's row of {@code table} in this tenant, also when the row does not exist yet. */
    private static void lockScope(java.sql.Connection c, Tenant tenant, String table, String appliesTo) throws java.sql.SQLException {
        Sql.one(c, "SELECT pg_advisory_xact_lock(hashtext(?))", rs -> true, tenant.schema().name() + "." + table + ":" + appliesTo);
    }

    /** Removes a dial plan (a tenant's own falls back to the safe defaults); false when none was set. */
    public boolean deleteDialPlan(Tenant tenant, String appliesTo) {
        return database.inTenant(tenant.schema(), c -> Sql.update(c, "DELETE FROM dial_plans WHERE applies_to = ?", appliesTo) == 1);
    }

    public Optional<FraudLimits> fraudLimits(Tenant tenant, String appliesTo) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, SELECT_LIMITS, CallingRules::readLimits, appliesTo));
    }

    /** Removes fraud limits (a role's or user's then come from the tenant's); false when none were set. */
    public boolean deleteFraudLimits(Tenant tenant, String appliesTo) {
        return database.inTenant(tenant.schema(), c -> Sql.update(c, "DELETE FROM fraud_limits WHERE applies_to = ?", appliesTo) == 1);
    }

    public FraudLimits putFraudLimits(Tenant tenant, FraudLimits limits) {
        putFraudLimits(tenant, limits, stored -> true);
        return limits;
    }

    /** As {@link #putDialPlan(Tenant, DialPlan, Predicate)}, for fraud limits. */
    public Write<FraudLimits> putFraudLimits(Tenant tenant, FraudLimits limits, Predicate<Optional<FraudLimits>> stillAsRead) {
        return database.inTenant(tenant.schema(), c -> {
            lockScope(c, tenant, "fraud_limits", limits.appliesTo());
            Optional<FraudLimits> before = Sql.one(c, SELECT_LIMITS, CallingRules::readLimits, limits.appliesTo());
            if (!stillAsRead.test(before)) {
                return new Write<>(false, before);
            }
            Sql.update(c, """
                    INSERT INTO fraud_limits (applies_to, concurrent_calls, international_calls_per_hour, international_calls_per_day,
                                              international_minutes_per_hour, international_minutes_per_day, daily_spend_cap_cents,
                                              currency, allowed_from, allowed_until, allowed_days)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (applies_to) DO UPDATE SET concurrent_calls = excluded.concurrent_calls,
                        international_calls_per_hour = excluded.international_calls_per_hour,
                        international_calls_per_day = excluded.international_calls_per_day,
                        international_minutes_per_hour = excluded.international_minutes_per_hour,
                        international_minutes_per_day = excluded.international_minutes_per_day,
                        daily_spend_cap_cents = excluded.daily_spend_cap_cents, currency = excluded.currency,
                        allowed_from = excluded.allowed_from, allowed_until = excluded.allowed_until,
                        allowed_days = excluded.allowed_days, updated_at = now()
                    """, limits.appliesTo(), limits.concurrentCalls(), limits.internationalCallsPerHour(), limits.internationalCallsPerDay(),
                    limits.internationalMinutesPerHour(), limits.internationalMinutesPerDay(), limits.dailySpendCapCents(),
                    limits.currency(), limits.allowedFrom() == null ? null : Time.valueOf(limits.allowedFrom()),
                    limits.allowedUntil() == null ? null : Time.valueOf(limits.allowedUntil()), array(c, limits.allowedDays()));
            return new Write<>(true, before);
        });
    }

    private static Array array(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }

    private static List<String> list(ResultSet rs, int column) throws SQLException {
        return Arrays.asList((String[]) rs.getArray(column).getArray());
    }

    private static DialPlan readPlan(ResultSet rs) throws SQLException {
        return new DialPlan(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6),
                rs.getBoolean(7), list(rs, 8), list(rs, 9), list(rs, 10), list(rs, 11));
    }

    private static FraudLimits readLimits(ResultSet rs) throws SQLException {
        Time from = rs.getTime(9);
        Time until = rs.getTime(10);
        return new FraudLimits(rs.getString(1), (Integer) rs.getObject(2), (Integer) rs.getObject(3), (Integer) rs.getObject(4),
                (Integer) rs.getObject(5), (Integer) rs.getObject(6), (Long) rs.getObject(7), rs.getString(8),
                from == null ? null : from.toLocalTime(), until == null ? null : until.toLocalTime(), list(rs, 11));
    }
}
