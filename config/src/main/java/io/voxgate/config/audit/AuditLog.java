package io.voxgate.config.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.Tenant;

/**
 * The append-only, hash-chained audit log (db/control V4, db/tenant V3): a tenant's events in its
 * own schema, events of no tenant in the control schema. The database numbers and chains each
 * row and refuses to change one; {@link #verify} recomputes the chain so tampering behind the
 * database's back shows. Writes are JDBC round trips: never call this on a Netty event loop.
 */
public final class AuditLog {

    private static final String INSERT = """
            INSERT INTO audit_events (actor, action, target, source_address, outcome, detail)
            VALUES (?, ?, ?, ?, ?, jsonb_object(?::text[], ?::text[]))
            """;
    private static final String SELECT = """
            SELECT seq, occurred_at, actor, action, target, source_address, outcome, detail::text, prev_hash, hash
              FROM audit_events
            """;
    private static final byte[] GENESIS = new byte[32];

    /** The outcome of recomputing a log's chain: intact, or broken first at {@code firstBrokenSeq}. */
    public record Verification(long rows, Optional<Long> firstBrokenSeq) {
        public boolean intact() {
            return firstBrokenSeq.isEmpty();
        }
    }

    private final ConfigDatabase database;

    public AuditLog(ConfigDatabase database) {
        this.database = database;
    }

    /** Appends to {@code tenant}'s log, or to the control schema's when {@code tenant} is null. */
    public long record(Tenant tenant, AuditEvent event) {
        return in(tenant, c -> {
            String[] keys = event.detail().keySet().stream().sorted().toArray(String[]::new);
            String[] values = Arrays.stream(keys).map(event.detail()::get).toArray(String[]::new);
            Array keyArray = c.createArrayOf("text", keys);
            Array valueArray = c.createArrayOf("text", values);
            Sql.update(c, INSERT, event.actor(), event.action(), event.target(), event.sourceAddress(),
                    event.outcome().column(), keyArray, valueArray);
            return Sql.one(c, "SELECT max(seq) FROM audit_events", rs -> rs.getLong(1)).orElseThrow();
        });
    }

    /** The newest {@code limit} events, newest first. */
    public List<AuditRecord> newest(Tenant tenant, int limit) {
        return in(tenant, c -> Sql.list(c, SELECT + " ORDER BY seq DESC LIMIT ?", AuditLog::read, limit));
    }

    /** At most {@code limit} events older than {@code beforeSeq} (all when null), newest first: one page. */
    public List<AuditRecord> page(Tenant tenant, Long beforeSeq, int limit) {
        return in(tenant, c -> Sql.list(c, SELECT + " WHERE seq < ? ORDER BY seq DESC LIMIT ?", AuditLog::read,
                beforeSeq == null ? Long.MAX_VALUE : beforeSeq, limit));
    }

    /** Recomputes every row's hash from its fields and its predecessor's hash. */
    /**
     * What an admin should be told of about their own account, newest first: logins from a client
     * it had not used before and refused logins (a guessed password, a wrong code, the lock).
     *
     * @param actor as the events name the admin: {@code admin:<email>}
     */
    public List<AuditRecord> securityNotices(Tenant tenant, String actor, int limit) {
        return in(tenant, c -> Sql.list(c, SELECT + """
                 WHERE actor = ? AND (action = 'admin.login.new-client' OR (action = 'admin.login' AND outcome = 'refused'))
                 ORDER BY seq DESC LIMIT ?
                """, AuditLog::read, actor, limit));
    }

    public Verification verify(Tenant tenant) {
        return in(tenant, c -> {
            byte[] previous = GENESIS;
            long rows = 0;
            long expectedSeq = 1;
            try (var ps = c.prepareStatement(SELECT + " ORDER BY seq")) {
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditRecord row = read(rs);
                        byte[] storedPrevious = rs.getBytes(9);
                        byte[] storedHash = rs.getBytes(10);
                        if (row.seq() != expectedSeq || !Arrays.equals(storedPrevious, previous)
                                || !Arrays.equals(storedHash, hash(previous, row))) {
                            return new Verification(rows, Optional.of(expectedSeq));
                        }
                        previous = storedHash;
                        expectedSeq++;
                        rows++;
                    }
                }
            }
            return new Verification(rows, Optional.empty());
        });
    }

    private <T> T in(Tenant tenant, io.voxgate.config.db.SqlWork<T> work) {
        return tenant == null ? database.inControl(work) : database.inTenant(tenant.schema(), work);
    }

    /** SHA-256(previous hash || the row's text), the text built as audit_row_text builds it. */
    static byte[] hash(byte[] previous, AuditRecord row) {
        List<String> fields = new ArrayList<>(List.of(Long.toString(row.seq()), Long.toString(micros(row.occurredAt()))));
        fields.addAll(Arrays.asList(row.actor(), row.action(), row.target(), row.sourceAddress(), row.outcome(), row.detailJson()));
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            if (!text.isEmpty()) {
                text.append('|');
            }
            text.append(field == null ? "-" : Integer.toString(field.codePointCount(0, field.length()))).append(':')
                    .append(field == null ? "" : field);
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previous);
            return sha256.digest(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    private static AuditRecord read(ResultSet rs) throws SQLException {
        return new AuditRecord(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8));
    }
}
