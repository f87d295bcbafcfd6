package io.voxgate.server.cli;

import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditRecord;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code voxgate audit ...}: read the audit log and check that nobody changed it. */
@Command(name = "audit", description = "Read a tenant's audit log (or the control log) and verify its hash chain.")
public final class AuditCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "list", description = "The newest events, newest first.")
    int list(@Option(names = "--tenant", description = "Tenant slug; without it, the control log (events of no tenant)") String slug,
             @Option(names = "--limit", defaultValue = "50") int limit) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            var out = spec.commandLine().getOut();
            for (AuditRecord e : new AuditLog(store.database()).newest(tenant(store, slug), Math.max(1, Math.min(limit, 10_000)))) {
                out.printf("%6d %s %-24s %-22s %-8s %-16s %s %s%n", e.seq(), e.occurredAt(), e.action(), e.actor(), e.outcome(),
                        e.sourceAddress() == null ? "-" : e.sourceAddress(), e.target() == null ? "-" : e.target(), e.detailJson());
            }
        }
        return 0;
    }

    @Command(name = "verify", description = "Recompute the hash chain; exit 1 naming the first event changed or removed.")
    int verify(@Option(names = "--tenant", description = "Tenant slug; without it, the control log") String slug) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            AuditLog.Verification result = new AuditLog(store.database()).verify(tenant(store, slug));
            String log = slug == null ? "the control log" : "tenant " + slug + "'s log";
            if (result.intact()) {
                spec.commandLine().getOut().println(log + ": " + result.rows() + " events, chain intact");
                return 0;
            }
            spec.commandLine().getErr().println(log + ": chain broken at event " + result.firstBrokenSeq().orElseThrow()
                    + " (changed, removed or inserted outside the switch); " + result.rows() + " events before it are intact");
            return 1;
        }
    }

    private static Tenant tenant(ConfigStore store, String slug) {
        return slug == null ? null : new TenantDirectory(store.database()).find(slug)
                .orElseThrow(() -> new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)"));
    }
}
