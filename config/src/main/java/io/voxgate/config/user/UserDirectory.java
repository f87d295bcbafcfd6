package io.voxgate.config.user;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.Tenant;

/** Users and their SIP credentials, inside one tenant's schema. */
public final class UserDirectory {

    private static final int MIN_PASSWORD_LENGTH = 12;

    private static final String SELECT_USER = """
            SELECT u.id, u.extension, u.display_name, u.email, c.username, u.status, u.created_at
              FROM users u LEFT JOIN sip_credentials c ON c.user_id = u.id
            """;

    private final ConfigDatabase database;

    public UserDirectory(ConfigDatabase database) {
        this.database = database;
    }

    /** Adds a user whose SIP username is the extension, with digest hashes for the tenant's realm. */
    public User add(Tenant tenant, String extension, String displayName, String email, String sipPassword) {
        requireStrongPassword(sipPassword);
        DigestHashes hashes = DigestHashes.of(extension, tenant.primaryDomain(), sipPassword);
        if (find(tenant, extension).isPresent()) {
            throw new IllegalArgumentException("extension " + extension + " exists already in tenant " + tenant.slug());
        }
        return database.inTenant(tenant.schema(), c -> {
            UUID id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users (extension, display_name, email) VALUES (?, ?, ?) RETURNING id")) {
                ps.setString(1, extension);
                ps.setString(2, displayName);
                ps.setString(3, email);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    id = rs.getObject(1, UUID.class);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sip_credentials (user_id, username, realm, ha1_md5, ha1_sha256) VALUES (?, ?, ?, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, extension);
                ps.setString(3, tenant.primaryDomain());
                ps.setString(4, hashes.ha1Md5());
                ps.setString(5, hashes.ha1Sha256());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(SELECT_USER + " WHERE u.id = ?")) {
                ps.setObject(1, id);
                return one(ps).orElseThrow();
            }
        });
    }

    /** Replaces a user's SIP password; returns false when the tenant has no such extension. */
    public boolean setPassword(Tenant tenant, String extension, String sipPassword) {
        requireStrongPassword(sipPassword);
        return database.inTenant(tenant.schema(), c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE sip_credentials c SET realm = ?, ha1_md5 = ?, ha1_sha256 = ?, updated_at = now()
                      FROM users u WHERE u.id = c.user_id AND u.extension = ?
                    """)) {
                DigestHashes hashes = DigestHashes.of(extension, tenant.primaryDomain(), sipPassword);
                ps.setString(1, tenant.primaryDomain());
                ps.setString(2, hashes.ha1Md5());
                ps.setString(3, hashes.ha1Sha256());
                ps.setString(4, extension);
                return ps.executeUpdate() == 1;
            }
        });
    }

    public Optional<User> find(Tenant tenant, String extension) {
        return database.inTenant(tenant.schema(), c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_USER + " WHERE u.extension = ?")) {
                ps.setString(1, extension);
                return one(ps);
            }
        });
    }

    public List<User> list(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_USER + " ORDER BY u.extension");
                 ResultSet rs = ps.executeQuery()) {
                List<User> users = new ArrayList<>();
                while (rs.next()) {
                    users.add(read(rs));
                }
                return users;
            }
        });
    }

    public Optional<SipCredential> credential(Tenant tenant, String username) {
        return database.inTenant(tenant.schema(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT user_id, username, realm, ha1_md5, ha1_sha256 FROM sip_credentials WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new SipCredential(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            new DigestHashes(rs.getString(4), rs.getString(5))));
                }
            }
        });
    }

    static void requireStrongPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("SIP password is too short: at least " + MIN_PASSWORD_LENGTH
                    + " characters are required (phones store it; make it long and random)");
        }
    }

    private static Optional<User> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant());
    }
}
