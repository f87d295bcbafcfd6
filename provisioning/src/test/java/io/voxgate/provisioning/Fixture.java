package io.voxgate.provisioning;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.CredentialSeal;
import io.voxgate.config.user.UserDirectory;

/**
 * What the provisioning tests run against: a real PostgreSQL with two tenants (acme: Alice 1001;
 * globex: Gina 2001), the switch's PKI for localhost/127.0.0.1, and the audit log.
 */
final class Fixture implements AutoCloseable {

    static final String ALICE_PASSWORD = "alice-sip-password-0123";
    static final String GINA_PASSWORD = "gina-sip-password-4567";

    final ConfigDatabase database;
    final TenantDirectory tenants;
    final UserDirectory users;
    final DeviceDirectory devices;
    final AuditLog audit;
    final SwitchPki pki;
    final Tenant acme;
    final Tenant globex;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    Fixture(Path dir) throws Exception {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 8);
        database.migrate();
        tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        globex = tenants.create("globex", "Globex", "globex.example");
        users = new UserDirectory(database, CredentialSeal.fromSecretsDirectory(dir.resolve("secrets")));
        users.add(acme, "1001", "Alice", null, ALICE_PASSWORD);
        users.add(globex, "2001", "Gina", null, GINA_PASSWORD);
        devices = new DeviceDirectory(database);
        audit = new AuditLog(database);
        pki = SwitchPki.open(dir.resolve("pki"), "pki-keystore-password".toCharArray());
        pki.init(KeyAlgorithm.EC_P256, "Voxgate test", List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
    }

    @Override
    public void close() {
        database.close();
    }
}
