package io.voxgate.config.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.ConfigStoreException;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.UserDirectory;

class DeviceDirectoryTest {

    private ConfigDatabase database;
    private DeviceDirectory devices;
    private Tenant acme;
    private Tenant globex;

    @BeforeEach
    void twoTenantsWithAUser() {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        globex = tenants.create("globex", "Globex", "globex.example");
        new UserDirectory(database).add(acme, "1001", "Alice", null, "correct-horse-battery-staple");
        devices = new DeviceDirectory(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void deviceIsAssignedToItsOwner() {
        Device phone = devices.add(acme, "001565abcdef", "yealink", "T54W", "1001");

        assertThat(phone.ownerExtension()).isEqualTo("1001");
        assertThat(phone.status()).isEqualTo("active");
    }

    @Test
    void aMacLeadsToTheTenantItIsEnrolledIn() {
        devices.add(globex, "001565abcdef", "yealink", "T54W", null);

        assertThat(new TenantDirectory(database).findByDeviceMac("001565abcdef")).map(Tenant::slug).contains("globex");
        assertThat(new TenantDirectory(database).findByDeviceMac("0015659999aa")).isEmpty();
    }

    @Test
    void oneMacCannotBelongToTwoTenants() {
        devices.add(acme, "001565abcdef", "yealink", "T54W", "1001");

        assertThatThrownBy(() -> devices.add(globex, "001565abcdef", "yealink", "T54W", null))
                .isInstanceOf(ConfigStoreException.class);
        assertThat(devices.list(globex)).isEmpty();
    }

    @Test
    void unknownOwnerIsRefusedAndNothingIsStored() {
        assertThatThrownBy(() -> devices.add(acme, "001565abcdef", "yealink", "T54W", "4242"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner extension '4242' does not exist");
        assertThat(devices.list(acme)).isEmpty();
        assertThat(devices.find(acme, "001565abcdef")).isEmpty();
    }

    @Test
    void nonCanonicalMacIsRefused() {
        assertThatThrownBy(() -> devices.add(acme, "00:15:65:AB:CD:EF", "yealink", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 lower-case hex digits");
    }
}
