package io.voxgate.config.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/**
 * Users and their SIP credentials, inside one tenant's schema. With a {@link CredentialSeal} a
 * password set here is also kept sealed, for provisioning to put in the user's phones' files.
 */
public final class UserDirectory {

    private static final int MIN_PASSWORD_LENGTH = 12;

    private static final String SELECT_USER = """
            SELECT u.id, u.extension, u.display_name, u.email, c.username, u.status, u.created_at
              FROM users u LEFT JOIN sip_credentials c ON c.user_id = u.id
            """;

    private final ConfigDatabase database;
    private final CredentialSeal seal;

    /** Reads users and sets passwords without keeping them sealed (the SIP stack, tools without the key). */
    private static final String ACTIVE_CREDENTIALS = """
            SELECT s.user_id, s.username, s.realm, s.ha1_md5, s.ha1_sha256 FROM sip_credentials s
            JOIN users u ON u.id = s.user_id WHERE u.status = 'active'""";

    public UserDirectory(ConfigDatabase database) {
        this(database, null);
    }

    public UserDirectory(ConfigDatabase database, CredentialSeal seal) {
        this.database = database;
        this.seal = seal;
    }

    /** Adds a user whose SIP username is the extension, with digest hashes for the tenant's realm. */
    public User add(Tenant tenant, String extension, String displayName, String email, String sipPassword) {
        requireStrongPassword(sipPassword);
        DigestHashes hashes = DigestHashes.of(extension, tenant.primaryDomain(), sipPassword);
        if (find(tenant, extension).isPresent()) {
            throw new IllegalArgumentException("extension " + extension + " exists already in tenant " + tenant.slug());
        }
        return database.inTenant(tenant.schema(), c -> {
            UUID id = Sql.one(c, "INSERT INTO users (extension, display_name, email) VALUES (?, ?, ?) RETURNING id",
                    row -> row.getObject(1, UUID.class), extension, displayName, email).orElseThrow();
            Sql.update(c, """
                    INSERT INTO sip_credentials (user_id, username, realm, ha1_md5, ha1_sha256, password_sealed)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, id, extension, tenant.primaryDomain(), hashes.ha1Md5(), hashes.ha1Sha256(),
                    sealed(tenant, extension, sipPassword));
            return Sql.one(c, SELECT_USER + " WHERE u.id = ?", UserDirectory::read, id).orElseThrow();
        });
    }

    /** Replaces a user's SIP password; returns false when the tenant has no such extension. */
    public boolean setPassword(Tenant tenant, String extension, String sipPassword) {
        requireStrongPassword(sipPassword);
        DigestHashes hashes = DigestHashes.of(extension, tenant.primaryDomain(), sipPassword);
        // without the key the old sealed copy would be stale: it goes, and provisioning says why
        return database.inTenant(tenant.schema(), c -> Sql.update(c, """
                UPDATE sip_credentials c SET realm = ?, ha1_md5 = ?, ha1_sha256 = ?, password_sealed = ?, updated_at = now()
                  FROM users u WHERE u.id = c.user_id AND u.extension = ?
                """, tenant.primaryDomain(), hashes.ha1Md5(), hashes.ha1Sha256(), sealed(tenant, extension, sipPassword),
                extension) == 1);
    }

    /**
     * The user's SIP password, for a configuration file; empty when it was set without the seal.
     * The username is the extension (see {@link #add}).
     *
     * @throws IllegalStateException when this directory has no seal, or the value does not open with it
     */
    public Optional<String> provisioningPassword(Tenant tenant, String extension) {
        if (seal == null) {
            throw new IllegalStateException("no credential seal: passwords cannot be read back");
        }
        Optional<byte[]> sealed = database.inTenant(tenant.schema(), c -> Sql.one(c, """
                SELECT c.password_sealed FROM sip_credentials c JOIN users u ON u.id = c.user_id
                 WHERE u.extension = ? AND c.password_sealed IS NOT NULL
                """, row -> row.getBytes(1), extension));
        return sealed.map(bytes -> seal.open(tenant.schema().name(), extension, bytes));
    }

    private byte[] sealed(Tenant tenant, String username, String password) {
        return seal == null ? null : seal.seal(tenant.schema().name(), username, password);
    }

    /** Changes a user's details (null: unchanged); empty when the tenant has no such extension. */
    public Optional<User> update(Tenant tenant, String extension, String displayName, String email, String status) {
        return database.inTenant(tenant.schema(), c -> {
            int changed = Sql.update(c, """
                    UPDATE users SET display_name = coalesce(?, display_name), email = coalesce(?, email),
                           status = coalesce(?, status), updated_at = now()
                     WHERE extension = ?
                    """, displayName, email, status, extension);
            return changed == 1 ? Sql.one(c, SELECT_USER + " WHERE u.extension = ?", UserDirectory::read, extension) : Optional.empty();
        });
    }

    /**
     * Removes a user with its SIP credentials, activation codes and own dial plan and fraud limits
     * (a later user of the extension must not inherit them); its devices stay, without an owner.
     * False when the tenant has no such user.
     */
    public boolean delete(Tenant tenant, String extension) {
        return database.inTenant(tenant.schema(), c -> {
            if (Sql.update(c, "DELETE FROM users WHERE extension = ?", extension) != 1) {
                return false;
            }
            Sql.update(c, "DELETE FROM dial_plans WHERE applies_to = ?", "user:" + extension);
            Sql.update(c, "DELETE FROM fraud_limits WHERE applies_to = ?", "user:" + extension);
            return true;
        });
    }

    public Optional<User> find(Tenant tenant, String extension) {
        return database.inTenant(tenant.schema(),
                c -> Sql.one(c, SELECT_USER + " WHERE u.extension = ?", UserDirectory::read, extension));
    }

    public List<User> list(Tenant tenant) {
        return database.inTenant(tenant.schema(),
                c -> Sql.list(c, SELECT_USER + " ORDER BY u.extension", UserDirectory::read));
    }

    /** The digest credential of an active user: a disabled user's phones can neither register nor call. */
    public Optional<SipCredential> credential(Tenant tenant, String username) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, ACTIVE_CREDENTIALS + " AND s.username = ?",
                row -> new SipCredential(row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                        new DigestHashes(row.getString(4), row.getString(5))),
                username));
    }

    /** Every active user's SIP credential in the tenant, for warming a cache in one query. */
    public List<SipCredential> credentials(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, ACTIVE_CREDENTIALS,
                row -> new SipCredential(row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                        new DigestHashes(row.getString(4), row.getString(5)))));
    }

    static void requireStrongPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("SIP password is too short: at least " + MIN_PASSWORD_LENGTH
                    + " characters are required (phones store it; make it long and random)");
        }
    }

    private static User read(ResultSet rs) throws SQLException {
        return new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant());
    }
}
