package io.voxgate.config.tenant;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.SchemaMigrations;

/** The tenant registry in the control schema. Creating a tenant creates and migrates its schema. */
public final class TenantDirectory {

    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    private static final String SELECT_TENANT = """
            SELECT t.id, t.slug, t.name, d.domain, t.status, t.created_at
              FROM tenants t LEFT JOIN sip_domains d ON d.tenant_id = t.id AND d.is_primary
            """;

    private final ConfigDatabase database;

    public TenantDirectory(ConfigDatabase database) {
        this.database = database;
    }

    /**
     * Registers a tenant, creates its schema and runs the tenant migrations in it. The row is
     * 'provisioning' until the schema is ready; if migration fails the row and the schema are
     * removed again, so a failed creation leaves nothing half-made.
     */
    public Tenant create(String slug, String name, String primaryDomain) {
        TenantSchema schema = TenantSchema.of(slug);
        String domain = normaliseDomain(primaryDomain);
        if (find(slug).isPresent()) {
            throw new IllegalArgumentException("tenant '" + slug + "' exists already");
        }
        findByDomain(domain).ifPresent(owner -> {
            throw new IllegalArgumentException("SIP domain " + domain + " belongs to tenant '" + owner.slug() + "' already");
        });
        // The unique constraints still decide a race between two admins; these checks give the usual case a clear message.
        UUID id = database.inControl(c -> {
            UUID newId;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tenants (slug, name, schema_name, status) VALUES (?, ?, ?, 'provisioning') RETURNING id")) {
                ps.setString(1, slug);
                ps.setString(2, name);
                ps.setString(3, schema.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    newId = rs.getObject(1, UUID.class);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sip_domains (domain, tenant_id, is_primary) VALUES (?, ?, true)")) {
                ps.setString(1, domain);
                ps.setObject(2, newId);
                ps.executeUpdate();
            }
            return newId;
        });
        try {
            SchemaMigrations.migrateTenant(database.dataSource(), schema);
        } catch (RuntimeException e) {
            log.error("creating the schema of tenant '{}' failed; removing the half-created tenant", slug, e);
            dropHalfCreated(id, schema);
            throw e;
        }
        database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE tenants SET status = 'active', updated_at = now() WHERE id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
        log.info("tenant '{}' created with schema {} and SIP domain {}", slug, schema.name(), domain);
        return find(slug).orElseThrow();
    }

    private void dropHalfCreated(UUID id, TenantSchema schema) {
        database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', ?::text)")) {
                ps.setString(1, schema.name());
                try (ResultSet rs = ps.executeQuery(); Statement st = c.createStatement()) {
                    rs.next();
                    st.execute(rs.getString(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tenants WHERE id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
            }
        });
    }

    public Optional<Tenant> find(String slug) {
        return database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT + " WHERE t.slug = ?")) {
                ps.setString(1, slug);
                return one(ps);
            }
        });
    }

    public Optional<Tenant> findByDomain(String domain) {
        return database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    SELECT_TENANT + " WHERE t.id = (SELECT tenant_id FROM sip_domains WHERE domain = ?)")) {
                ps.setString(1, domain.toLowerCase(Locale.ROOT));
                return one(ps);
            }
        });
    }

    public List<Tenant> list() {
        return database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_TENANT + " ORDER BY t.slug");
                 ResultSet rs = ps.executeQuery()) {
                List<Tenant> tenants = new ArrayList<>();
                while (rs.next()) {
                    tenants.add(read(rs));
                }
                return tenants;
            }
        });
    }

    public boolean isEmpty() {
        return database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM tenants)");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    static String normaliseDomain(String domain) {
        String lower = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(lower).matches()) {
            throw new IllegalArgumentException("SIP domain '" + domain + "' is invalid: expected a host name"
                    + " such as pbx.example.com (letters, digits, '-' and '.')");
        }
        return lower;
    }

    private static Optional<Tenant> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static Tenant read(ResultSet rs) throws SQLException {
        return new Tenant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getTimestamp(6).toInstant());
    }
}
