package io.voxgate.config.tenant;

import java.time.Instant;
import java.util.UUID;

/** A customer organisation: its own schema, its own SIP domain (the digest realm of its users). */
public record Tenant(UUID id, String slug, String name, String primaryDomain, String status, Instant createdAt,
                     String sipClientCertificates, boolean plainRtpAllowed) {

    public TenantSchema schema() {
        return TenantSchema.of(slug);
    }
}
