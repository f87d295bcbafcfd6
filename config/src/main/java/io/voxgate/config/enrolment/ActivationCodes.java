package io.voxgate.config.enrolment;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.enrolment.Redemption.AlreadyUsed;
import io.voxgate.config.enrolment.Redemption.Expired;
import io.voxgate.config.enrolment.Redemption.Redeemed;
import io.voxgate.config.enrolment.Redemption.Unknown;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;

/**
 * One-time activation codes for zero-touch enrolment: an admin creates one for a user, the user's
 * device presents it once (with its CSR) and is enrolled for that user.
 *
 * <p>A code is stored only as its SHA-256, in the tenant's {@code activation_codes} and in the
 * control schema's {@code activation_code_index}, which leads a code presented without a tenant
 * to its tenant. A fast unsalted hash is enough: 80 random bits leave nothing to guess from, unlike
 * a password. Codes never appear in logs.
 */
public final class ActivationCodes {

    /** What callers offer when the admin does not choose. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);
    /** Longer-lived codes would linger in mailboxes and tickets, still good. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(7);

    private static final Logger log = LoggerFactory.getLogger(ActivationCodes.class);
    private static final Pattern CANONICAL_MAC = Pattern.compile("[0-9a-f]{12}");
    private static final int MAX_CREATED_BY_LENGTH = 200;

    private final ConfigDatabase database;
    private final TenantDirectory tenants;
    private final SecureRandom random = new SecureRandom();

    public ActivationCodes(ConfigDatabase database) {
        this.database = database;
        this.tenants = new TenantDirectory(database);
    }

    /**
     * Creates a code for the user with this extension, redeemable once within {@code lifetime}
     * ({@link #MIN_LIFETIME} to {@link #MAX_LIFETIME}).
     *
     * @param createdBy who asked for it, e.g. {@code admin:alice}, kept with the code
     * @throws IllegalArgumentException if the lifetime is out of bounds or the tenant has no such extension
     */
    public IssuedCode create(Tenant tenant, String userExtension, Duration lifetime, String createdBy) {
        requireLifetimeWithinBounds(lifetime);
        if (createdBy == null || createdBy.isBlank() || createdBy.length() > MAX_CREATED_BY_LENGTH) {
            throw new IllegalArgumentException("createdBy must name who creates the code in 1 to " + MAX_CREATED_BY_LENGTH
                    + " characters");
        }
        ActivationCode code = ActivationCode.random(random);
        IssuedCode issued = database.inTenant(tenant.schema(), c -> {
            IssuedCode created = Sql.one(c, """
                    INSERT INTO activation_codes (code_hash, user_id, expires_at, created_by)
                    SELECT ?, id, now() + make_interval(secs => ?), ? FROM users WHERE extension = ?
                    RETURNING id, expires_at
                    """, row -> new IssuedCode(row.getObject(1, UUID.class), code.display(), userExtension,
                            row.getTimestamp(2).toInstant()),
                    code.hash(), lifetime.toMillis() / 1000.0, createdBy, userExtension)
                    .orElseThrow(() -> new IllegalArgumentException("extension '" + userExtension
                            + "' does not exist in tenant " + tenant.slug()));
            // Copied from the row just written, so both rows carry the same expiry to the microsecond.
            Sql.update(c, """
                    INSERT INTO voxgate_control.activation_code_index (code_hash, tenant_id, expires_at)
                    SELECT code_hash, ?, expires_at FROM activation_codes WHERE id = ?
                    """, tenant.id(), created.id());
            return created;
        });
        log.info("activation code {} created for extension {} of tenant {} by {}, valid until {}",
                issued.id(), userExtension, tenant.slug(), createdBy, issued.expiresAt());
        return issued;
    }

    /**
     * Uses up a code for the device with this MAC. The code is marked used by one conditional
     * UPDATE, so of two devices presenting one code at once, exactly one gets {@link Redeemed}.
     *
     * @param presentedCode as typed: any case, with or without dashes and spaces, O for 0 and I or L for 1
     * @param mac           the enrolling device, 12 lower-case hex digits
     */
    public Redemption redeem(String presentedCode, String mac) {
        requireCanonicalMac(mac);
        Optional<ActivationCode> code = ActivationCode.parse(presentedCode);
        Optional<Tenant> issuer = code.flatMap(this::issuingTenant);
        if (issuer.isEmpty()) {
            log.info("device {} presented an unknown activation code", mac);
            return new Unknown();
        }
        Tenant tenant = issuer.get();
        byte[] hash = code.get().hash();
        Redemption outcome = database.inTenant(tenant.schema(), c -> {
            Optional<Redemption> redeemed = Sql.one(c, """
                    UPDATE activation_codes a SET used_at = now(), used_by_mac = ?
                      FROM users u
                     WHERE u.id = a.user_id AND a.code_hash = ? AND a.used_at IS NULL AND a.expires_at > now()
                    RETURNING u.extension, u.display_name
                    """, row -> new Redeemed(tenant, row.getString(1), row.getString(2)), mac, hash);
            if (redeemed.isPresent()) {
                return redeemed.get();
            }
            return Sql.one(c, "SELECT used_at IS NOT NULL FROM activation_codes WHERE code_hash = ?",
                    row -> row.getBoolean(1) ? new AlreadyUsed(tenant) : new Expired(tenant), hash)
                    .orElseGet(Unknown::new);
        });
        log.info("device {} presented an activation code of tenant {}: {}", mac, tenant.slug(), outcome.getClass().getSimpleName());
        return outcome;
    }

    /** The tenant's codes that are neither used nor expired, soonest to expire first. */
    public List<PendingCode> pending(Tenant tenant) {
        return database.inTenant(tenant.schema(), c -> Sql.list(c, """
                SELECT a.id, u.extension, a.created_at, a.expires_at, a.created_by
                  FROM activation_codes a JOIN users u ON u.id = a.user_id
                 WHERE a.used_at IS NULL AND a.expires_at > now()
                 ORDER BY a.expires_at, a.id
                """, ActivationCodes::readPending));
    }

    /** Withdraws a pending code; false if the tenant has no pending code with this id (unknown, used or expired). */
    public boolean revoke(Tenant tenant, UUID id) {
        boolean revoked = database.inTenant(tenant.schema(), c -> Sql.update(c,
                "DELETE FROM activation_codes WHERE id = ? AND used_at IS NULL AND expires_at > now()", id) == 1);
        if (revoked) {
            log.info("activation code {} of tenant {} revoked", id, tenant.slug());
        }
        return revoked;
    }

    private Optional<Tenant> issuingTenant(ActivationCode code) {
        return database.inControl(c -> Sql.one(c, "SELECT tenant_id FROM activation_code_index WHERE code_hash = ?",
                        row -> row.getObject(1, UUID.class), code.hash()))
                .flatMap(tenants::find);
    }

    private static void requireLifetimeWithinBounds(Duration lifetime) {
        if (lifetime == null || lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("activation code lifetime " + lifetime
                    + " is out of bounds: it must be between 1 minute and 7 days");
        }
    }

    private static void requireCanonicalMac(String mac) {
        if (mac == null || !CANONICAL_MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("MAC '" + mac + "' is not canonical: expected 12 lower-case hex digits");
        }
    }

    private static PendingCode readPending(ResultSet rs) throws SQLException {
        return new PendingCode(rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant(),
                rs.getTimestamp(4).toInstant(), rs.getString(5));
    }
}
