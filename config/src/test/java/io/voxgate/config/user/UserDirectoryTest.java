package io.voxgate.config.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.ConfigStoreException;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;

class UserDirectoryTest {

    private static final String PASSWORD = "correct-horse-battery-staple";

    private ConfigDatabase database;
    private UserDirectory users;
    private Tenant acme;
    private Tenant globex;

    @BeforeEach
    void twoTenants() {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        globex = tenants.create("globex", "Globex", "globex.example");
        users = new UserDirectory(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void withTheSealAPasswordIsKeptSealedAndOpensForItsOwnUserOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path secrets)
            throws Exception {
        CredentialSeal seal = CredentialSeal.fromSecretsDirectory(secrets);
        UserDirectory sealing = new UserDirectory(database, seal);
        sealing.add(acme, "1001", "Alice", null, PASSWORD);

        assertThat(sealing.provisioningPassword(acme, "1001")).contains(PASSWORD);
        assertThat(rowAsText("SELECT c::text FROM sip_credentials c")).doesNotContain(PASSWORD);
        assertThat(java.nio.file.Files.getPosixFilePermissions(secrets.resolve(CredentialSeal.KEY_FILE)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        sealing.setPassword(acme, "1001", "a-new-long-password-1");
        assertThat(sealing.provisioningPassword(acme, "1001")).contains("a-new-long-password-1");

        byte[] alices = seal.seal(acme.schema().name(), "1001", PASSWORD);
        assertThatThrownBy(() -> seal.open(acme.schema().name(), "1002", alices)).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> seal.open(globex.schema().name(), "1001", alices)).isInstanceOf(IllegalStateException.class);
        CredentialSeal otherKey = CredentialSeal.fromSecretsDirectory(secrets.resolve("other-node"));
        assertThatThrownBy(() -> otherKey.open(acme.schema().name(), "1001", alices)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(CredentialSeal.KEY_FILE);
    }

    @Test
    void aPasswordSetWithoutTheSealLeavesNothingStaleToProvision(@org.junit.jupiter.api.io.TempDir java.nio.file.Path secrets)
            throws Exception {
        UserDirectory sealing = new UserDirectory(database, CredentialSeal.fromSecretsDirectory(secrets));
        sealing.add(acme, "1001", "Alice", null, PASSWORD);

        users.setPassword(acme, "1001", "a-new-long-password-1");

        assertThat(sealing.provisioningPassword(acme, "1001")).isEmpty();
        assertThatThrownBy(() -> users.provisioningPassword(acme, "1001")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void storesDigestHashesForTheTenantRealmAndNeverThePassword() {
        users.add(acme, "1001", "Alice", "alice@acme.example", PASSWORD);

        SipCredential credential = users.credential(acme, "1001").orElseThrow();
        assertThat(credential.realm()).isEqualTo("acme.example");
        assertThat(credential.hashes()).isEqualTo(DigestHashes.of("1001", "acme.example", PASSWORD));
        assertThat(rowAsText("SELECT c::text FROM sip_credentials c")).doesNotContain(PASSWORD);
    }

    @Test
    void userOfOneTenantIsInvisibleToAnother() {
        users.add(acme, "1001", "Alice", null, PASSWORD);

        assertThat(users.find(globex, "1001")).isEmpty();
        assertThat(users.credential(globex, "1001")).isEmpty();
        assertThat(users.list(globex)).isEmpty();
    }

    @Test
    void sameExtensionMayExistInTwoTenants() {
        users.add(acme, "1001", "Alice", null, PASSWORD);
        users.add(globex, "1001", "Gina", null, PASSWORD);

        assertThat(users.find(acme, "1001")).map(User::displayName).contains("Alice");
        assertThat(users.find(globex, "1001")).map(User::displayName).contains("Gina");
    }

    @Test
    void duplicateExtensionInOneTenantIsRefusedAndAddsNothing() {
        users.add(acme, "1001", "Alice", null, PASSWORD);

        assertThatThrownBy(() -> users.add(acme, "1001", "Bob", null, PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension 1001 exists already in tenant acme");
        assertThat(users.list(acme)).extracting(User::displayName).containsExactly("Alice");
    }

    @Test
    void nonNumericExtensionIsRefusedByTheSchema() {
        assertThatThrownBy(() -> users.add(acme, "alice", "Alice", null, PASSWORD))
                .isInstanceOf(ConfigStoreException.class)
                .satisfies(e -> assertThat(((ConfigStoreException) e).constraint()).isEqualTo("users_extension_check"));
    }

    @Test
    void shortPasswordIsRefusedWithTheMinimumLength() {
        assertThatThrownBy(() -> users.add(acme, "1001", "Alice", null, "1234"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 12 characters");
        assertThat(users.list(acme)).isEmpty();
    }

    @Test
    void changingThePasswordReplacesTheHashes() {
        users.add(acme, "1001", "Alice", null, PASSWORD);

        assertThat(users.setPassword(acme, "1001", "another-long-password")).isTrue();

        assertThat(users.credential(acme, "1001").orElseThrow().hashes())
                .isEqualTo(DigestHashes.of("1001", "acme.example", "another-long-password"));
        assertThat(users.setPassword(acme, "9999", "another-long-password")).isFalse();
    }

    private String rowAsText(String sql) {
        return database.inTenant(acme.schema(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
    }
}
