package io.voxgate.config.feed;

import java.util.Optional;

import io.voxgate.config.tenant.TenantSchema;

/**
 * One row change in the configuration database, as announced on the change feed.
 * {@link #resync()} means notifications may have been missed (the feed reconnected): caches
 * must reload everything rather than trust what they hold.
 *
 * @param schema {@code voxgate_control} or a tenant's schema
 * @param table  the table whose row changed
 * @param op     INSERT, UPDATE, DELETE, or RESYNC
 * @param key    the changed row's key (id, domain or MAC)
 */
public record ConfigChange(String schema, String table, String op, String key) {

    public static final String RESYNC = "RESYNC";

    public static ConfigChange resync() {
        return new ConfigChange("", "", RESYNC, "");
    }

    public boolean isResync() {
        return RESYNC.equals(op);
    }

    /** The tenant whose data changed, when the change is inside a tenant's schema. */
    public Optional<String> tenantSlug() {
        return TenantSchema.slugOf(schema);
    }
}
