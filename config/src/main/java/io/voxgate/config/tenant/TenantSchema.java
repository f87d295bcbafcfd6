package io.voxgate.config.tenant;

import java.util.regex.Pattern;

/**
 * The PostgreSQL schema that holds one tenant's rows: {@code tenant_<slug>}. The slug is checked
 * here, so a schema name can only ever be a safe identifier.
 */
public record TenantSchema(String slug) {

    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9_]{1,29}");
    private static final String PREFIX = "tenant_";

    public TenantSchema {
        requireValidSlug(slug);
    }

    public static TenantSchema of(String slug) {
        return new TenantSchema(slug);
    }

    public static void requireValidSlug(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("tenant slug '" + slug + "' is invalid: expected 2-30 characters,"
                    + " lower-case letters, digits and '_', starting with a letter");
        }
    }

    public String name() {
        return PREFIX + slug;
    }

    /** The tenant slug a schema name belongs to, if it is a tenant schema. */
    public static java.util.Optional<String> slugOf(String schemaName) {
        if (schemaName != null && schemaName.startsWith(PREFIX)) {
            String slug = schemaName.substring(PREFIX.length());
            if (SLUG.matcher(slug).matches()) {
                return java.util.Optional.of(slug);
            }
        }
        return java.util.Optional.empty();
    }
}
