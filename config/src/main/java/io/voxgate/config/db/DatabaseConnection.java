package io.voxgate.config.db;

/** Where and as whom the switch connects to PostgreSQL. {@link #toString()} never shows the password. */
public record DatabaseConnection(String jdbcUrl, String username, String password) {

    @Override
    public String toString() {
        return "DatabaseConnection[" + jdbcUrl + " as " + username + "]";
    }
}
