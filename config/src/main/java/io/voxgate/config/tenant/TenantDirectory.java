package io.voxgate.config.tenant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.SchemaMigrations;
import io.voxgate.config.db.Sql;

/** The tenant registry in the control schema. Creating a tenant creates and migrates its schema. */
public final class TenantDirectory {

    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");

    private static final String SELECT_TENANT = """
            SELECT t.id, t.slug, t.name, d.domain, t.status, t.created_at, t.sip_client_certificates, t.media_plain_rtp
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
        // The unique constraints still decide a race between two admins; the checks above give
        // the usual case a clear message.
        UUID id = database.inControl(c -> {
            UUID newId = Sql.one(c, "INSERT INTO tenants (slug, name, schema_name, status) VALUES (?, ?, ?, 'provisioning') RETURNING id",
                    row -> row.getObject(1, UUID.class), slug, name, schema.name()).orElseThrow();
            Sql.update(c, "INSERT INTO sip_domains (domain, tenant_id, is_primary) VALUES (?, ?, true)", domain, newId);
            return newId;
        });
        try {
            SchemaMigrations.migrateTenant(database.dataSource(), schema);
        } catch (RuntimeException e) {
            log.error("creating the schema of tenant '{}' failed; removing the half-created tenant", slug, e);
            try {
                dropHalfCreated(id, schema);
            } catch (RuntimeException cleanup) {
                // the audit guard refuses to drop an audit log, even a half-made one: the tenant stays
                // 'provisioning', and the next start completes its migrations (ConfigDatabase.migrate)
                log.warn("tenant '{}' stays half-created ('provisioning'); the next start completes it: {}", slug, cleanup.getMessage());
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        database.inControl(c -> Sql.update(c, "UPDATE tenants SET status = 'active', updated_at = now() WHERE id = ?", id));
        log.info("tenant '{}' created with schema {} and SIP domain {}", slug, schema.name(), domain);
        return find(slug).orElseThrow();
    }

    private void dropHalfCreated(UUID id, TenantSchema schema) {
        database.inControl(c -> {
            // format('%I') quotes the identifier on the server; the name is a checked slug anyway.
            String drop = Sql.one(c, "SELECT format('DROP SCHEMA IF EXISTS %I CASCADE', ?::text)",
                    row -> row.getString(1), schema.name()).orElseThrow();
            try (Statement st = c.createStatement()) {
                st.execute(drop);
            }
            return Sql.update(c, "DELETE FROM tenants WHERE id = ?", id);
        });
    }

    /** Sets whether the tenant's phones must present device certificates: none, optional or required. */
    public boolean setSipClientCertificates(String slug, String policy) {
        if (!java.util.List.of("none", "optional", "required").contains(policy)) {
            throw new IllegalArgumentException("client certificate policy '" + policy + "' is invalid: expected none, optional or required");
        }
        return database.inControl(c -> Sql.update(c,
                "UPDATE tenants SET sip_client_certificates = ?, updated_at = now() WHERE slug = ?", policy, slug) == 1);
    }

    /** Sets whether the tenant's phones may offer plain RTP (refused with 488 otherwise); false if no such tenant. */
    public boolean setPlainRtpAllowed(String slug, boolean allowed) {
        return database.inControl(c -> Sql.update(c,
                "UPDATE tenants SET media_plain_rtp = ?, updated_at = now() WHERE slug = ?", allowed, slug) == 1);
    }

    public Optional<Tenant> find(String slug) {
        return database.inControl(c -> Sql.one(c, SELECT_TENANT + " WHERE t.slug = ?", TenantDirectory::read, slug));
    }

    public Optional<Tenant> find(UUID id) {
        return database.inControl(c -> Sql.one(c, SELECT_TENANT + " WHERE t.id = ?", TenantDirectory::read, id));
    }

    public Optional<Tenant> findByDomain(String domain) {
        return database.inControl(c -> Sql.one(c,
                SELECT_TENANT + " WHERE t.id = (SELECT tenant_id FROM sip_domains WHERE domain = ?)",
                TenantDirectory::read, domain.toLowerCase(Locale.ROOT)));
    }

    /** The tenant a phone's MAC is enrolled in (voxgate_control.device_macs), if any. */
    public Optional<Tenant> findByDeviceMac(String mac) {
        return database.inControl(c -> Sql.one(c,
                SELECT_TENANT + " WHERE t.id = (SELECT tenant_id FROM device_macs WHERE mac = ?)", TenantDirectory::read, mac));
    }

    /** The tenant's SIP domains, the primary one first. */
    public List<String> domains(Tenant tenant) {
        return database.inControl(c -> Sql.list(c, "SELECT domain FROM sip_domains WHERE tenant_id = ? ORDER BY is_primary DESC, domain",
                row -> row.getString(1), tenant.id()));
    }

    /**
     * Adds a further SIP domain (an alias phones may register under); a domain names one tenant only.
     *
     * @throws IllegalArgumentException when the name is no host name or belongs to a tenant already
     */
    public String addDomain(Tenant tenant, String domain) {
        String normalised = normaliseDomain(domain);
        if (findByDomain(normalised).isPresent()) {
            throw new IllegalArgumentException("SIP domain '" + normalised + "' is in use already");
        }
        database.inControl(c -> Sql.update(c, "INSERT INTO sip_domains (domain, tenant_id, is_primary) VALUES (?, ?, false)",
                normalised, tenant.id()));
        return normalised;
    }

    /**
     * Removes one of the tenant's further SIP domains; false when it is not one of them.
     *
     * @throws IllegalArgumentException for the primary domain, which phones and provisioning files name
     */
    public boolean removeDomain(Tenant tenant, String domain) {
        String normalised = domain.toLowerCase(java.util.Locale.ROOT);
        if (normalised.equals(tenant.primaryDomain())) {
            throw new IllegalArgumentException("SIP domain '" + normalised + "' is the tenant's primary domain");
        }
        return database.inControl(c -> Sql.update(c, "DELETE FROM sip_domains WHERE domain = ? AND tenant_id = ? AND NOT is_primary",
                normalised, tenant.id()) == 1);
    }

    public List<Tenant> list() {
        return database.inControl(c -> Sql.list(c, SELECT_TENANT + " ORDER BY t.slug", TenantDirectory::read));
    }

    public boolean isEmpty() {
        return database.inControl(c -> Sql.one(c, "SELECT NOT EXISTS (SELECT 1 FROM tenants)",
                row -> row.getBoolean(1)).orElseThrow());
    }

    static String normaliseDomain(String domain) {
        String lower = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(lower).matches()) {
            throw new IllegalArgumentException("SIP domain '" + domain + "' is invalid: expected a host name"
                    + " such as pbx.example.com (letters, digits, '-' and '.')");
        }
        return lower;
    }

    private static Tenant read(ResultSet rs) throws SQLException {
        return new Tenant(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getBoolean(8));
    }
}
