package io.voxgate.server.cli;

import java.io.IOException;
import java.security.cert.CRLReason;
import java.time.Duration;
import java.util.Locale;

import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.enrolment.IssuedCode;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.provisioning.admin.DeviceAdministration;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import io.voxgate.server.pki.PkiRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code voxgate devices ...}: a tenant's phones, identified by MAC, who owns them, and their enrolment. */
@Command(name = "devices", description = "Enrol, list and revoke a tenant's phones; hand out activation codes.")
public final class DevicesCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "add", description = "Enrol a phone: its device certificate then identifies it to provisioning and SIP.")
    int add(@Option(names = "--tenant", required = true) String slug,
            @Option(names = "--mac", required = true, description = "e.g. 00:15:65:ab:cd:ef") String mac,
            @Option(names = "--vendor", required = true, description = "yealink, poly, cisco, grandstream or softphone") String vendor,
            @Option(names = "--model") String model,
            @Option(names = "--owner", description = "Extension of the user the phone belongs to") String owner) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Device device = administration(store).enrol(tenant(store, slug), MacAddress.parse(mac), vendor, model, owner, actor());
            spec.commandLine().getOut().println("device " + device.mac() + " added to " + slug
                    + (device.ownerExtension() == null ? "" : ", owned by " + device.ownerExtension()));
        }
        return 0;
    }

    @Command(name = "list", description = "List a tenant's phones.")
    int list(@Option(names = "--tenant", required = true) String slug) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            var out = spec.commandLine().getOut();
            out.printf("%-14s %-12s %-14s %-10s %s%n", "MAC", "VENDOR", "MODEL", "OWNER", "STATUS");
            for (Device d : new DeviceDirectory(store.database()).list(tenant(store, slug))) {
                out.printf("%-14s %-12s %-14s %-10s %s%n", d.mac(), d.vendor(), d.model() == null ? "" : d.model(),
                        d.ownerExtension() == null ? "" : d.ownerExtension(), d.status());
            }
        }
        return 0;
    }

    @Command(name = "revoke", description = "Stop a phone: it is refused by provisioning and SIP, its switch-issued certificate goes on the CRL.")
    int revoke(@Option(names = "--tenant", required = true) String slug,
               @Option(names = "--mac", required = true) String mac,
               @Option(names = "--reason", defaultValue = "UNSPECIFIED",
                       description = "CRL reason: UNSPECIFIED, KEY_COMPROMISE, AFFILIATION_CHANGED, SUPERSEDED, CESSATION_OF_OPERATION")
               String reason) throws Exception {
        CRLReason crlReason = CRLReason.valueOf(reason.toUpperCase(Locale.ROOT));
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            if (!administration(store).revoke(tenant(store, slug), MacAddress.parse(mac), crlReason, actor())) {
                throw new IllegalArgumentException("no device " + MacAddress.parse(mac) + " in tenant " + slug
                        + " (see: voxgate devices list --tenant " + slug + ")");
            }
            spec.commandLine().getOut().println("device " + MacAddress.parse(mac) + " revoked in " + slug);
        }
        return 0;
    }

    @Command(name = "activation-code",
            description = "A one-time code with which a softphone (or a phone without a factory certificate) enrols for a user.")
    int activationCode(@Option(names = "--tenant", required = true) String slug,
                       @Option(names = "--owner", required = true, description = "Extension of the user the phone will belong to")
                       String owner,
                       @Option(names = "--valid-minutes", defaultValue = "1440", description = "1 to 10080 (7 days); default 1440")
                       long minutes) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            IssuedCode code = administration(store).createActivationCode(tenant(store, slug), owner, Duration.ofMinutes(minutes), actor());
            spec.commandLine().getOut().println("activation code for " + owner + " in " + slug + " (shown once, single use, valid until "
                    + code.expiresAt() + "):\n  " + code.code());
        }
        return 0;
    }

    private DeviceAdministration administration(ConfigStore store) throws IOException {
        SwitchPki pki = PkiRuntime.open(root.settings(), root.environment());
        if (!pki.isInitialised()) {
            throw new IllegalStateException("no PKI in " + root.settings().pkiDir() + " yet: run 'voxgate certs init' or start the switch once");
        }
        return new DeviceAdministration(new DeviceDirectory(store.database()), new ActivationCodes(store.database()), pki,
                new AuditLog(store.database()));
    }

    /** Who the audit log says did it: the OS account that ran the command. */
    private static String actor() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    private static Tenant tenant(ConfigStore store, String slug) {
        return new TenantDirectory(store.database()).find(slug)
                .orElseThrow(() -> new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)"));
    }
}
