package io.voxgate.config.enrolment;

import java.time.Instant;
import java.util.UUID;

/**
 * A newly created activation code. {@code code} is the only copy there will ever be (the database
 * keeps its hash): show it to the admin once and drop it. {@link #toString()} leaves it out, so a
 * log line cannot leak it.
 *
 * @param code          the code as people type it, {@code ABCD-EFGH-JKMN-PQRS}
 * @param userExtension the user a device enrolled with this code will belong to
 */
public record IssuedCode(UUID id, String code, String userExtension, Instant expiresAt) {

    @Override
    public String toString() {
        return "IssuedCode[id=" + id + ", code=withheld, userExtension=" + userExtension + ", expiresAt=" + expiresAt + "]";
    }
}
