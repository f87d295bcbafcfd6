package io.voxgate.server.cli;

import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code voxgate tenants ...}: the tenant registry. */
@Command(name = "tenants", description = "Add and list tenants.")
public final class TenantsCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "add", description = "Create a tenant with its own schema and SIP domain.")
    int add(@Option(names = "--slug", required = true, description = "Short id: a-z, 0-9, _ (e.g. acme)") String slug,
            @Option(names = "--name", required = true, description = "Display name") String name,
            @Option(names = "--domain", required = true, description = "SIP domain, the digest realm (e.g. pbx.acme.com)") String domain)
            throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            TenantDirectory tenants = new TenantDirectory(store.database());
            Tenant tenant = tenants.create(slug, name, domain);
            spec.commandLine().getOut().println("tenant " + tenant.slug() + " created, SIP domain " + tenant.primaryDomain());
        }
        return 0;
    }

    @Command(name = "set-client-certificates",
            description = "Whether the tenant's phones must present a device certificate on SIP-over-TLS: none, optional or required.")
    int setClientCertificates(@Option(names = "--slug", required = true) String slug,
                              @Option(names = "--policy", required = true, description = "none | optional | required") String policy)
            throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            if (!new TenantDirectory(store.database()).setSipClientCertificates(slug, policy)) {
                throw new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)");
            }
            spec.commandLine().getOut().println("tenant " + slug + ": SIP client certificates " + policy);
        }
        return 0;
    }

    @Command(name = "set-plain-rtp",
            description = "Whether the tenant's phones may send plain RTP: refuse (the default: such calls get 488) or allow "
                    + "(the relay still gives the other leg SRTP).")
    int setPlainRtp(@Option(names = "--slug", required = true) String slug,
                    @Option(names = "--policy", required = true, description = "refuse | allow") String policy)
            throws Exception {
        if (!policy.equals("refuse") && !policy.equals("allow")) {
            throw new IllegalArgumentException("plain RTP policy '" + policy + "' is invalid: expected refuse or allow");
        }
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            if (!new TenantDirectory(store.database()).setPlainRtpAllowed(slug, policy.equals("allow"))) {
                throw new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)");
            }
            spec.commandLine().getOut().println("tenant " + slug + ": plain RTP " + (policy.equals("allow") ? "allowed" : "refused"));
        }
        return 0;
    }

    @Command(name = "list", description = "List tenants.")
    int list() throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            var out = spec.commandLine().getOut();
            out.printf("%-20s %-30s %-10s %-12s %-9s %s%n", "SLUG", "SIP DOMAIN", "STATUS", "CLIENT CERTS", "PLAIN RTP", "NAME");
            for (Tenant t : new TenantDirectory(store.database()).list()) {
                out.printf("%-20s %-30s %-10s %-12s %-9s %s%n", t.slug(), t.primaryDomain(), t.status(), t.sipClientCertificates(),
                        t.plainRtpAllowed() ? "allow" : "refuse", t.name());
            }
        }
        return 0;
    }
}
