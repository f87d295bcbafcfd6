package io.voxgate.config.db;

import java.sql.SQLException;

/**
 * A configuration change the database refused, with the reason an admin can act on.
 * Constraint violations keep PostgreSQL's constraint name so callers can say which field.
 */
public class ConfigStoreException extends RuntimeException {

    private final String sqlState;
    private final String constraint;

    public ConfigStoreException(String message, String sqlState, String constraint, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.constraint = constraint;
    }

    public static ConfigStoreException from(SQLException e) {
        String constraint = null;
        if (e instanceof org.postgresql.util.PSQLException pe && pe.getServerErrorMessage() != null) {
            constraint = pe.getServerErrorMessage().getConstraint();
        }
        return new ConfigStoreException(e.getMessage(), e.getSQLState(), constraint, e);
    }

    public boolean isUniqueViolation() {
        return "23505".equals(sqlState);
    }

    public boolean isCheckViolation() {
        return "23514".equals(sqlState);
    }

    public String sqlState() {
        return sqlState;
    }

    public String constraint() {
        return constraint;
    }
}
