package io.voxgate.sip.registrar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.sip.location.AddressOfRecord;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.transport.FlowRegistry;
import io.voxgate.sip.transport.SipFlow;

/**
 * Cuts off registered phones whose device stopped being theirs: when a device is revoked, removed
 * or given to another user (or a tenant's certificate policy changes), every connection with
 * bindings is judged again as its next REGISTER would be ({@link DeviceOwnership}); a connection
 * that would now be refused loses its bindings and is closed, so the phone can neither be called
 * nor call until it proves itself again, instead of staying reachable until its binding expires.
 * Runs on the change feed's thread, after the account caches dropped what the change made wrong.
 */
public final class DeviceFlowReaper {

    private static final Logger log = LoggerFactory.getLogger(DeviceFlowReaper.class);

    private final FlowRegistry flows;
    private final LocationService location;
    private final SipAccounts accounts;
    private final DeviceOwnership ownership;

    public DeviceFlowReaper(FlowRegistry flows, LocationService location, SipAccounts accounts, DeviceOwnership ownership) {
        this.flows = flows;
        this.location = location;
        this.accounts = accounts;
        this.ownership = ownership;
    }

    public void onConfigChange(ConfigChange change) {
        if (change.isResync() || "tenants".equals(change.table())) {
            rejudge(Optional.empty());
        } else if ("devices".equals(change.table()) || "device_macs".equals(change.table())) {
            rejudge(change.tenantSlug());
        }
    }

    /**
     * Judges the registered connections of one tenant (or all): completes with the number closed.
     * Blocking for the tenants it reads, so never called on an event loop.
     */
    public CompletableFuture<Integer> rejudge(Optional<String> tenantSlug) {
        Map<String, Optional<Tenant>> tenants = new HashMap<>();
        Set<String> closed = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> verdicts = new ArrayList<>();
        for (SipFlow flow : flows.all()) {
            for (AddressOfRecord aor : location.boundOver(flow.id())) {
                if (tenantSlug.isPresent() && !tenantSlug.get().equals(aor.tenantSlug())) {
                    continue;
                }
                // a suspended or removed tenant is the registrar's to refuse; its phones are not judged here
                Optional<Tenant> tenant = tenants.computeIfAbsent(aor.tenantSlug(), accounts::activeTenantBySlug);
                if (tenant.isPresent()) {
                    verdicts.add(ownership.problem(flow, tenant.get(), aor.user())
                            .thenAccept(problem -> problem.ifPresent(why -> {
                                if (closed.add(flow.id())) {
                                    cutOff(flow, aor, why);
                                }
                            })));
                }
            }
        }
        return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).thenApply(done -> closed.size());
    }

    private void cutOff(SipFlow flow, AddressOfRecord aor, String why) {
        location.dropFlow(flow.id()); // first, so no request is routed down the flow while it closes
        flow.close();
        log.info("{}: bindings of {} dropped and connection closed: {}", flow, aor, why);
    }
}
