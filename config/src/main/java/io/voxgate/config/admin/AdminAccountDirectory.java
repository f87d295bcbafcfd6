package io.voxgate.config.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;

/**
 * Admin accounts and their sessions (db/control V6). The checks that must hold under concurrency
 * are single statements: a TOTP step is used once ({@link #acceptTotpStep}), a refresh token
 * rotates once ({@link #rotateRefresh}).
 */
public final class AdminAccountDirectory {

    private static final String SELECT_ACCOUNT = """
            SELECT id, email, tenant_id, role, password_hash, totp_sealed, totp_confirmed, totp_last_step, failed_logins,
                   locked_until, status
              FROM admin_accounts
            """;

    private final ConfigDatabase database;

    public AdminAccountDirectory(ConfigDatabase database) {
        this.database = database;
    }

    public AdminAccount create(String email, UUID tenantId, String role, String passwordHash) {
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        return database.inControl(c -> {
            Sql.update(c, "INSERT INTO admin_accounts (email, tenant_id, role, password_hash) VALUES (?, ?, ?, ?)",
                    normalised, tenantId, role, passwordHash);
            return Sql.one(c, SELECT_ACCOUNT + " WHERE email = ?", AdminAccountDirectory::read, normalised).orElseThrow();
        });
    }

    public Optional<AdminAccount> findByEmail(String email) {
        return database.inControl(c -> Sql.one(c, SELECT_ACCOUNT + " WHERE email = ?", AdminAccountDirectory::read,
                email == null ? "" : email.strip().toLowerCase(Locale.ROOT)));
    }

    /** A tenant's admin accounts, by email. */
    public List<AdminAccount> list(UUID tenantId) {
        return database.inControl(c -> Sql.list(c, SELECT_ACCOUNT + " WHERE tenant_id = ? ORDER BY email", AdminAccountDirectory::read,
                tenantId));
    }

    /** {@code active} or {@code disabled}; false when there is no such account. */
    public boolean setStatus(UUID id, String status) {
        return database.inControl(c -> Sql.update(c, "UPDATE admin_accounts SET status = ?, updated_at = now() WHERE id = ?",
                status, id) == 1);
    }

    public Optional<AdminAccount> find(UUID id) {
        return database.inControl(c -> Sql.one(c, SELECT_ACCOUNT + " WHERE id = ?", AdminAccountDirectory::read, id));
    }

    /**
     * Counts a login attempt before it is checked, atomically with the lock: empty when the account
     * is locked at {@code now}. A burst of parallel guesses cannot all pass the lock before any
     * failure is recorded; a success clears the count ({@link #acceptTotpStep}, {@link #clearFailures}).
     * From {@code lockAfter} attempts on, the account is locked until {@code lockedUntil}.
     */
    public Optional<Integer> beginAttempt(UUID id, int lockAfter, Instant now, Instant lockedUntil) {
        return database.inControl(c -> Sql.one(c, """
                UPDATE admin_accounts SET failed_logins = failed_logins + 1,
                       locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END, updated_at = now()
                 WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) RETURNING failed_logins
                """, row -> row.getInt(1), lockAfter, Timestamp.from(lockedUntil), id, Timestamp.from(now)));
    }

    public void clearFailures(UUID id) {
        database.inControl(c -> Sql.update(c, "UPDATE admin_accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?", id));
    }

    /**
     * Takes TOTP step {@code step} for this account if no later or equal step was taken: false means
     * the code was used already (a replay). A success also clears the failure count.
     */
    public boolean acceptTotpStep(UUID id, long step) {
        return database.inControl(c -> Sql.update(c, """
                UPDATE admin_accounts SET totp_last_step = ?, failed_logins = 0, locked_until = NULL, updated_at = now()
                 WHERE id = ? AND totp_last_step < ?
                """, step, id, step) == 1);
    }

    public void setTotp(UUID id, byte[] sealedSecret, boolean confirmed) {
        database.inControl(c -> Sql.update(c,
                "UPDATE admin_accounts SET totp_sealed = ?, totp_confirmed = ?, updated_at = now() WHERE id = ?", sealedSecret, confirmed, id));
    }

    public void setPasswordHash(UUID id, String passwordHash) {
        database.inControl(c -> Sql.update(c, "UPDATE admin_accounts SET password_hash = ?, updated_at = now() WHERE id = ?",
                passwordHash, id));
    }

    /** Remembers a client of the account; true when it was not known before (a login from somewhere new). */
    public boolean rememberClient(UUID id, byte[] clientKey) {
        return database.inControl(c -> Sql.update(c,
                "INSERT INTO admin_known_clients (account_id, client_key) VALUES (?, ?) ON CONFLICT DO NOTHING", id, clientKey) == 1);
    }

    public AdminSession openSession(UUID accountId, byte[] refreshHash, Instant expiresAt, String clientAddress) {
        return database.inControl(c -> Sql.one(c, """
                INSERT INTO admin_sessions (account_id, refresh_hash, expires_at, client_address) VALUES (?, ?, ?, ?)
                RETURNING id, account_id, expires_at, revoked_at
                """, AdminAccountDirectory::readSession, accountId, refreshHash, Timestamp.from(expiresAt), clientAddress).orElseThrow());
    }

    public Optional<AdminSession> session(UUID id) {
        return database.inControl(c -> Sql.one(c, "SELECT id, account_id, expires_at, revoked_at FROM admin_sessions WHERE id = ?",
                AdminAccountDirectory::readSession, id));
    }

    /** The outcome of presenting a refresh token. */
    public sealed interface Rotation {
        record Rotated(AdminSession session) implements Rotation {
        }

        /** The token was used before: the session is now revoked (someone holds a copy). */
        record Reused(UUID sessionId) implements Rotation {
        }

        record Unknown() implements Rotation {
        }
    }

    /** Swaps {@code presented} for {@code next} on a live session, once; a retired token revokes its session. */
    public Rotation rotateRefresh(byte[] presented, byte[] next, Instant now) {
        return database.inControl(c -> {
            Optional<AdminSession> live = Sql.one(c, """
                    UPDATE admin_sessions SET refresh_hash = ?, last_used_at = now()
                     WHERE refresh_hash = ? AND revoked_at IS NULL AND expires_at > ?
                    RETURNING id, account_id, expires_at, revoked_at
                    """, AdminAccountDirectory::readSession, next, presented, Timestamp.from(now));
            if (live.isPresent()) {
                Sql.update(c, "INSERT INTO admin_retired_refresh_tokens (refresh_hash, session_id) VALUES (?, ?)", presented,
                        live.get().id());
                return new Rotation.Rotated(live.get());
            }
            Optional<UUID> retired = Sql.one(c, "SELECT session_id FROM admin_retired_refresh_tokens WHERE refresh_hash = ?",
                    row -> row.getObject(1, UUID.class), presented);
            if (retired.isPresent()) {
                Sql.update(c, "UPDATE admin_sessions SET revoked_at = coalesce(revoked_at, now()), revoke_reason = "
                        + "coalesce(revoke_reason, 'refresh token reused') WHERE id = ?", retired.get());
                return new Rotation.Reused(retired.get());
            }
            return new Rotation.Unknown();
        });
    }

    public boolean revokeSession(UUID id, String reason) {
        return database.inControl(c -> Sql.update(c,
                "UPDATE admin_sessions SET revoked_at = now(), revoke_reason = ? WHERE id = ? AND revoked_at IS NULL", reason, id) == 1);
    }

    /** Ends every session of the account (password change, an admin's action); returns how many. */
    public int revokeAllSessions(UUID accountId, String reason) {
        return database.inControl(c -> Sql.update(c,
                "UPDATE admin_sessions SET revoked_at = now(), revoke_reason = ? WHERE account_id = ? AND revoked_at IS NULL",
                reason, accountId));
    }

    private static AdminAccount read(ResultSet rs) throws SQLException {
        Timestamp locked = rs.getTimestamp(10);
        return new AdminAccount(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                rs.getString(5), rs.getBytes(6), rs.getBoolean(7), rs.getLong(8), rs.getInt(9),
                locked == null ? null : locked.toInstant(), rs.getString(11));
    }

    private static AdminSession readSession(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp(4);
        return new AdminSession(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                revoked == null ? null : revoked.toInstant());
    }
}
