package io.voxgate.config.audit;

import java.time.Instant;

/** An event as stored: its place in the chain, when the database wrote it, and the event's fields. */
public record AuditRecord(long seq, Instant occurredAt, String actor, String action, String target, String sourceAddress,
                          String outcome, String detailJson) {
}
