package io.voxgate.sip.registrar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.sip.location.AddressOfRecord;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.transport.FlowRegistry;
import io.voxgate.sip.transport.SipFlow;

/**
 * Cuts off registered phones that may no longer register: when a device is revoked, removed or
 * given to another user, a user is disabled or removed, or a tenant's certificate policy changes,
 * the connections with bindings in that tenant are judged again as their next REGISTER would be
 * (an active user's credential, {@link DeviceOwnership}); a connection that would now be refused
 * loses its bindings and is closed, so the phone can neither be called nor call until it proves
 * itself again, instead of staying reachable until its binding expires. Runs on the change feed's
 * thread, after the account caches dropped what the change made wrong.
 */
public final class RegistrationReaper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistrationReaper.class);

    /** Tenant tables whose changes can take away a phone's right to register. */
    private static final Set<String> JUDGED_TABLES = Set.of("devices", "users", "sip_credentials");

    private static final java.time.Duration RETRY_DELAY = java.time.Duration.ofSeconds(5);
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("registration-reaper-retry").daemon(true).factory());
    /** One judgement at a time, off the change feed's thread. */
    private final ExecutorService judge = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("registration-reaper").factory());
    private final FlowRegistry flows;
    private final LocationService location;
    private final SipAccounts accounts;
    private final DeviceOwnership ownership;

    public RegistrationReaper(FlowRegistry flows, LocationService location, SipAccounts accounts, DeviceOwnership ownership) {
        this.flows = flows;
        this.location = location;
        this.accounts = accounts;
        this.ownership = ownership;
    }

    /** Marks "every tenant" among the pending judgements. */
    private static final String ALL_TENANTS = "";

    /**
     * Queues a judgement and returns at once: the change feed's thread, which also carries session
     * revocations and cache invalidations, must not wait for the queries. Changes that arrive while
     * a tenant waits are folded into one judgement of it.
     */
    public void onConfigChange(ConfigChange change) {
        if (change.isResync() || "tenants".equals(change.table())) {
            pending.add(ALL_TENANTS);
        } else if (JUDGED_TABLES.contains(change.table()) && change.tenantSlug().isPresent()) {
            pending.add(change.tenantSlug().get());
        } else {
            return;
        }
        judge.execute(this::judgePending);
    }

    private void judgePending() {
        while (!pending.isEmpty()) {
            if (pending.remove(ALL_TENANTS)) {
                pending.clear();
                judgeOrRequeue(Optional.empty(), ALL_TENANTS);
                continue;
            }
            for (String slug : List.copyOf(pending)) {
                if (pending.remove(slug)) {
                    judgeOrRequeue(Optional.of(slug), slug);
                }
            }
        }
    }

    /** A judgement that fails (the database away) is tried again later, not forgotten: a revoked phone must not stay. */
    private void judgeOrRequeue(Optional<String> tenantSlug, String pendingKey) {
        try {
            rejudge(tenantSlug).join();
        } catch (RuntimeException e) {
            log.warn("judging the registered phones of {} failed ({}); trying again in {} s", tenantSlug.orElse("every tenant"),
                    e.getMessage(), RETRY_DELAY.toSeconds());
            retries.schedule(() -> {
                pending.add(pendingKey);
                judge.execute(this::judgePending);
            }, RETRY_DELAY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        judge.shutdownNow();
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
                Optional<Tenant> tenant = tenants.computeIfAbsent(aor.tenantSlug(), this::reloaded);
                if (tenant.isPresent()) {
                    verdicts.add(verdict(flow, tenant.get(), aor.user()).thenAccept(verdict -> verdict.ifPresent(refused -> {
                        if (refused.wholeConnection() || !location.dropBindings(aor, flow.id())) {
                            if (closed.add(flow.id())) {
                                cutOff(flow, aor, refused.why());
                            }
                        } else {
                            log.info("{}: bindings of {} dropped: {}", flow, aor, refused.why());
                        }
                    })));
                }
            }
        }
        return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).thenApply(done -> closed.size());
    }

    private Optional<Tenant> reloaded(String slug) {
        Optional<Tenant> tenant = accounts.activeTenantBySlug(slug);
        tenant.ifPresent(accounts::reload);
        return tenant;
    }

    /** Why the flow may no longer carry this user, and whether that is the connection's fault (its certificate) or the user's. */
    private record Refusal(String why, boolean wholeConnection) {
    }

    private CompletableFuture<Optional<Refusal>> verdict(SipFlow flow, Tenant tenant, String user) {
        return accounts.credential(tenant, user).thenCompose(credential -> credential.isEmpty()
                ? CompletableFuture.completedFuture(Optional.of(new Refusal("user " + user + " is disabled or gone in tenant "
                        + tenant.slug(), false)))
                : ownership.problem(flow, tenant, user).thenApply(problem -> problem.map(why -> new Refusal(why, true))));
    }

    private void cutOff(SipFlow flow, AddressOfRecord aor, String why) {
        location.dropFlow(flow.id()); // first, so no request is routed down the flow while it closes
        flow.close();
        log.info("{}: bindings of {} dropped and connection closed: {}", flow, aor, why);
    }
}
