package io.voxgate.config.user;

import java.time.Instant;
import java.util.UUID;

/** A person with an extension in one tenant; {@code sipUsername} is what their phone authenticates as. */
public record User(UUID id, String extension, String displayName, String email, String sipUsername,
                   String status, Instant createdAt) {
}
