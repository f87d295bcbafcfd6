package io.voxgate.config.enrolment;

import java.time.Instant;
import java.util.UUID;

/** An activation code that can still be redeemed, as admins list it: everything but the code. */
public record PendingCode(UUID id, String userExtension, Instant createdAt, Instant expiresAt, String createdBy) {
}
