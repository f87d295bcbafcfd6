package io.voxgate.config.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parameterised statements on one connection: every value is a bind parameter, never SQL text.
 * Small on purpose; the repositories keep their SQL visible.
 */
public final class Sql {

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private Sql() {
    }

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
        }
    }

    public static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, parameters)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
