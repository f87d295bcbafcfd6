package io.voxgate.server;

import java.io.PrintStream;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.CredentialSeal;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.server.cli.Passwords;
import io.voxgate.server.settings.VoxgateSettings;

/**
 * First start on an empty database: a {@code demo} tenant with extensions 1001 and 1002, so a
 * new operator can register two softphones at once. Their random SIP passwords are printed to
 * the console once and never logged; the database keeps their digest hashes and a sealed copy for
 * provisioning ({@link CredentialSeal}).
 * Off with {@code demo.create-tenant: false}.
 */
final class DemoTenant {

    static final String SLUG = "demo";
    static final List<String> EXTENSIONS = List.of("1001", "1002");
    private static final Logger log = LoggerFactory.getLogger(DemoTenant.class);

    private final ConfigDatabase database;

    DemoTenant(ConfigDatabase database) {
        this.database = database;
    }

    void createIfDatabaseIsEmpty(VoxgateSettings settings, PrintStream console) throws java.io.IOException {
        TenantDirectory tenants = new TenantDirectory(database);
        if (!tenants.isEmpty()) {
            return;
        }
        String domain = settings.pki().serverNames().isEmpty() ? settings.pki().serverIps().getFirst()
                : settings.pki().serverNames().getFirst();
        Tenant demo;
        try {
            demo = tenants.create(SLUG, "Demo", domain);
        } catch (IllegalArgumentException | io.voxgate.config.db.ConfigStoreException e) {
            // another node sharing this database created it first: its console showed the passwords
            log.info("demo tenant not created here: {}", e.getMessage());
            return;
        }
        UserDirectory users = new UserDirectory(database, CredentialSeal.fromSecretsDirectory(settings.secretsDir()));
        StringBuilder banner = new StringBuilder()
                .append("\n  Demo tenant '").append(SLUG).append("' created, SIP domain ").append(domain)
                .append(". These passwords are shown once:\n");
        for (String extension : EXTENSIONS) {
            String password = Passwords.random();
            users.add(demo, extension, "Demo " + extension, null, password);
            banner.append("    sip:").append(extension).append('@').append(domain)
                    .append("  password ").append(password).append('\n');
        }
        console.println(banner);
        console.flush();
        log.info("demo tenant created with extensions {} (passwords printed to the console only)", EXTENSIONS);
    }
}
