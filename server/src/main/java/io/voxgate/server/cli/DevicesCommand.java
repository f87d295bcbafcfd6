package io.voxgate.server.cli;

import io.voxgate.certs.MacAddress;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code voxgate devices ...}: a tenant's phones, identified by MAC, and who owns them. */
@Command(name = "devices", description = "Add and list a tenant's phones.")
public final class DevicesCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "add", description = "Enrol a phone (its device certificate then identifies it on SIP-over-TLS).")
    int add(@Option(names = "--tenant", required = true) String slug,
            @Option(names = "--mac", required = true, description = "e.g. 00:15:65:ab:cd:ef") String mac,
            @Option(names = "--vendor", required = true, description = "yealink, poly, cisco, grandstream, softphone, ...") String vendor,
            @Option(names = "--model") String model,
            @Option(names = "--owner", description = "Extension of the user the phone belongs to") String owner) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Device device = new DeviceDirectory(store.database()).add(tenant(store, slug), MacAddress.parse(mac).canonical(), vendor, model, owner);
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

    private static Tenant tenant(ConfigStore store, String slug) {
        return new TenantDirectory(store.database()).find(slug)
                .orElseThrow(() -> new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)"));
    }
}
