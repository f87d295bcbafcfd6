package io.voxgate.sip.registrar;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.SipCredential;
import io.voxgate.config.user.UserDirectory;

/**
 * Tenants by SIP domain and digest credentials by user, cached so a registered phone's requests
 * never wait for the database. Misses load on the given (blocking-friendly) executor, never on an
 * event loop. The change feed invalidates entries; unknown domains and users are cached too, for
 * a short time, so a scanner cycling through names cannot turn each request into a query.
 */
public final class SipAccounts {

    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);
    private static final Duration SAFETY_REFRESH = Duration.ofMinutes(10);
    private static final int MAX_ENTRIES = 200_000;

    record UserKey(String tenantSlug, String username) {
    }

    private final AsyncLoadingCache<String, Optional<Tenant>> tenants;
    private final AsyncLoadingCache<UserKey, Optional<SipCredential>> credentials;
    private final TenantDirectory tenantDirectory;
    private final AsyncLoadingCache<UserKey, Optional<Device>> devices;
    private final UserDirectory users;
    private final DeviceDirectory deviceDirectory;
    /** Counted under its own lock with every invalidation, so {@link #reload} never puts back what a change made wrong. */
    private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();

    public SipAccounts(ConfigDatabase database, Executor loader) {
        this.tenantDirectory = new TenantDirectory(database);
        this.users = new UserDirectory(database);
        this.tenants = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(SAFETY_REFRESH)
                .executor(Runnable::run)
                .buildAsync(onLoader(loader, domain -> tenantDirectory.findByDomain(domain).filter(t -> "active".equals(t.status()))));
        this.deviceDirectory = new DeviceDirectory(database);
        this.devices = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(SAFETY_REFRESH)
                .executor(Runnable::run)
                .buildAsync(onLoader(loader, key -> tenantDirectory.find(key.tenantSlug()).flatMap(tenant -> deviceDirectory.find(tenant, key.username()))));
        this.credentials = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<UserKey, Optional<SipCredential>>() {
                    @Override
                    public long expireAfterCreate(UserKey key, Optional<SipCredential> value, long now) {
                        return (value.isPresent() ? SAFETY_REFRESH : NEGATIVE_TTL).toNanos();
                    }

                    @Override
                    public long expireAfterUpdate(UserKey key, Optional<SipCredential> value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(UserKey key, Optional<SipCredential> value, long now, long current) {
                        return current;
                    }
                })
                .executor(Runnable::run)
                .buildAsync(onLoader(loader, key -> tenantDirectory.find(key.tenantSlug())
                        .flatMap(tenant -> users.credential(tenant, key.username()))));
    }

    /**
     * Loads on {@code loader}, the only place the database is read; the caches' own executor is
     * the calling thread, where Caffeine's upkeep (read-buffer drains, expiry) is a few cheap steps.
     * Handing that upkeep to the loader pool instead woke one of its threads every few hundred
     * lookups: context switches on every core at a high REGISTER rate.
     */
    private static <K, V> com.github.benmanes.caffeine.cache.AsyncCacheLoader<K, V> onLoader(Executor loader,
                                                                                         java.util.function.Function<K, V> load) {
        return (key, ignored) -> CompletableFuture.supplyAsync(() -> load.apply(key), loader);
    }

    /**
     * Loads every active tenant and all their credentials in one query per tenant, so the first
     * REGISTER after a start does not queue for the database (cold start under load).
     * @return the number of credentials loaded
     */
    public int preload(UserDirectory users) {
        int loaded = 0;
        for (Tenant tenant : tenantDirectory.list()) {
            if (!"active".equals(tenant.status()) || tenant.primaryDomain() == null) {
                continue;
            }
            tenants.synchronous().put(tenant.primaryDomain(), Optional.of(tenant));
            for (SipCredential credential : users.credentials(tenant)) {
                credentials.synchronous().put(new UserKey(tenant.slug(), credential.username()), Optional.of(credential));
                loaded++;
            }
        }
        return loaded;
    }

    public CompletableFuture<Optional<Tenant>> tenantForDomain(String domain) {
        return tenants.get(domain.toLowerCase(Locale.ROOT));
    }

    /** The active tenant {@code slug}, read from the database: for the change feed's thread, never an event loop. */
    public Optional<Tenant> activeTenantBySlug(String slug) {
        return tenantDirectory.find(slug).filter(t -> "active".equals(t.status()));
    }

    /**
     * Loads a tenant's active credentials and its devices into the caches, in one query each,
     * so judging every registered phone of the tenant after a change costs two queries, not one a
     * phone. Blocking: for the change feed's thread.
     */
    public void reload(Tenant tenant) {
        long before = invalidations.get();
        List<SipCredential> loadedCredentials = users.credentials(tenant);
        List<Device> loadedDevices = deviceDirectory.list(tenant);
        synchronized (invalidations) {
            if (invalidations.get() != before) {
                return; // a change came in while we read: what we read may be older than it; the lookups load afresh
            }
            for (SipCredential credential : loadedCredentials) {
                credentials.synchronous().put(new UserKey(tenant.slug(), credential.username()), Optional.of(credential));
            }
            for (Device device : loadedDevices) {
                devices.synchronous().put(new UserKey(tenant.slug(), device.mac()), Optional.of(device));
            }
        }
    }

    /** The tenant's device with this MAC (lower-case hex), if any. */
    public CompletableFuture<Optional<Device>> device(Tenant tenant, String mac) {
        return devices.get(new UserKey(tenant.slug(), mac));
    }

    public CompletableFuture<Optional<SipCredential>> credential(Tenant tenant, String username) {
        return credentials.get(new UserKey(tenant.slug(), username));
    }

    /** Subscribed to the change feed: drop what a change may have made wrong. */
    public void onConfigChange(ConfigChange change) {
        synchronized (invalidations) {
            invalidations.incrementAndGet();
            invalidate(change);
        }
    }

    private void invalidate(ConfigChange change) {
        if (change.isResync() || "tenants".equals(change.table()) || "sip_domains".equals(change.table())) {
            tenants.synchronous().invalidateAll();
            credentials.synchronous().invalidateAll();
            devices.synchronous().invalidateAll();
        } else if ("devices".equals(change.table()) || "device_macs".equals(change.table())) {
            devices.synchronous().invalidateAll();
        } else if ("sip_credentials".equals(change.table()) || "users".equals(change.table())) {
            change.tenantSlug().ifPresent(slug -> credentials.synchronous().asMap().keySet()
                    .removeIf(key -> key.tenantSlug().equals(slug)));
        }
    }
}
