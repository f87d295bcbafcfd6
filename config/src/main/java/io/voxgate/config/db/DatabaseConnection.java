package io.voxgate.config.db;

/** Where and as whom the switch connects to PostgreSQL. {@link #toString()} never shows the password. */
public record DatabaseConnection(String jdbcUrl, String username, String password) {

    @Override
    public String toString() {
        int query = jdbcUrl.indexOf('?');
        return "DatabaseConnection[" + (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)) + " as " + username + "]";
    }
}
