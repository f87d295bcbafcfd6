package io.voxgate.config.audit;

import java.util.Map;
import java.util.Objects;

/**
 * One thing that happened, as the audit log keeps it. Never put a secret in any field: the log
 * is read by auditors and cannot be edited afterwards.
 *
 * @param actor         who: {@code device:<mac>}, {@code cli}, {@code user:<extension>}, ...
 * @param action        what, dotted: {@code provisioning.download}, {@code enrolment.redeem}, ...
 * @param target        what it was done to (a file, a MAC, a user), or null
 * @param sourceAddress the network address it came from, or null for local operations
 * @param outcome       success, refused (by a rule or a check) or failed (something broke)
 * @param detail        further facts, as short strings
 */
public record AuditEvent(String actor, String action, String target, String sourceAddress, Outcome outcome,
                         Map<String, String> detail) {

    public enum Outcome {
        SUCCESS, REFUSED, FAILED;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }
}
