package io.voxgate.config.user;

import java.util.UUID;

/** What the registrar needs to check a digest response: never the password, only its HA1 hashes. */
public record SipCredential(UUID userId, String username, String realm, DigestHashes hashes) {
}
