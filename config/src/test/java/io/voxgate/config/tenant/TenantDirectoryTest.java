package io.voxgate.config.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.testing.TestPostgres;

class TenantDirectoryTest {

    private ConfigDatabase database;
    private TenantDirectory tenants;

    @BeforeEach
    void migratedDatabase() {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        tenants = new TenantDirectory(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void migrationsCreateTheControlSchemaWithTheTenantRegistry() {
        assertThat(tablesIn("voxgate_control")).contains("tenants", "sip_domains", "device_macs");
        assertThat(tenants.isEmpty()).isTrue();
    }

    @Test
    void creatingATenantCreatesItsOwnSchemaWithItsTables() {
        Tenant acme = tenants.create("acme", "Acme Corp", "pbx.acme.example");

        assertThat(acme.status()).isEqualTo("active");
        assertThat(acme.primaryDomain()).isEqualTo("pbx.acme.example");
        assertThat(tablesIn("tenant_acme")).contains("users", "sip_credentials", "devices");
    }

    @Test
    void migratingAgainChangesNothingAndKeepsTenants() {
        tenants.create("acme", "Acme Corp", "pbx.acme.example");

        database.migrate();

        assertThat(tenants.list()).extracting(Tenant::slug).containsExactly("acme");
    }

    @Test
    void tenantIsFoundByItsSipDomainCaseInsensitively() {
        tenants.create("acme", "Acme Corp", "pbx.acme.example");

        assertThat(tenants.findByDomain("PBX.Acme.Example")).map(Tenant::slug).contains("acme");
        assertThat(tenants.findByDomain("other.example")).isEmpty();
    }

    @Test
    void duplicateSlugIsRefusedAndLeavesTheFirstTenantIntact() {
        tenants.create("acme", "Acme Corp", "pbx.acme.example");

        assertThatThrownBy(() -> tenants.create("acme", "Impostor", "impostor.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tenant 'acme' exists already");
        assertThat(tenants.find("acme")).map(Tenant::name).contains("Acme Corp");
        assertThat(tenants.findByDomain("impostor.example")).isEmpty();
    }

    @Test
    void sipDomainBelongsToOneTenantOnly() {
        tenants.create("acme", "Acme Corp", "pbx.shared.example");

        assertThatThrownBy(() -> tenants.create("globex", "Globex", "PBX.shared.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SIP domain pbx.shared.example belongs to tenant 'acme' already");
        assertThat(tenants.find("globex")).isEmpty();
        assertThat(tablesIn("tenant_globex")).isEmpty();
    }

    @Test
    void tenantLeftProvisioningByACrashIsCompletedByTheNextMigration() {
        database.inControl(c -> io.voxgate.config.db.Sql.update(c,
                "INSERT INTO tenants (slug, name, schema_name, status) VALUES ('crashed', 'Crashed', 'tenant_crashed', 'provisioning')"));

        database.migrate();

        assertThat(tenants.find("crashed")).map(Tenant::status).contains("active");
        assertThat(tablesIn("tenant_crashed")).contains("users", "sip_credentials", "devices");
    }

    @Test
    void invalidSlugIsRejectedWithWhatIsExpected() {
        assertThatThrownBy(() -> tenants.create("Acme; DROP SCHEMA x", "Acme", "acme.example"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenant slug")
                .hasMessageContaining("lower-case letters");
    }

    @Test
    void invalidDomainIsRejectedWithWhatIsExpected() {
        assertThatThrownBy(() -> tenants.create("acme", "Acme", "not a domain"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SIP domain 'not a domain' is invalid");
        assertThat(tenants.isEmpty()).isTrue();
    }

    private List<String> tablesIn(String schema) {
        return database.inControl(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> names = new ArrayList<>();
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                    return names;
                }
            }
        });
    }
}
