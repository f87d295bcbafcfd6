package io.voxgate.sip.location;

import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.TenantSchema;

/**
 * Writes bindings to PostgreSQL behind the in-memory location service, on a virtual thread, so the
 * REGISTER answer never waits for the database. Writes for one address of record are applied in
 * order (a single writer thread); a failed write is logged and counted, the switch keeps serving
 * from memory.
 */
public final class BindingStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BindingStore.class);

    private final ConfigDatabase database;
    private final String nodeId;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("binding-writer").factory());

    public BindingStore(ConfigDatabase database, String nodeId) {
        this.database = database;
        this.nodeId = nodeId;
    }

    /** Replaces what is stored for {@code aor} with {@code current}. */
    public void save(AddressOfRecord aor, List<Binding> current) {
        writer.execute(() -> {
            try {
                database.inTenant(TenantSchema.of(aor.tenantSlug()), c -> {
                    Sql.update(c, "DELETE FROM registrations WHERE aor_user = ?", aor.user());
                    for (Binding b : current) {
                        Sql.update(c, """
                                INSERT INTO registrations (aor_user, contact, instance_id, reg_id, node_id, flow_id, call_id,
                                                           cseq, expires_at, user_agent, source)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """, aor.user(), b.contact(), b.instanceId(), b.regId(), nodeId, b.flowId(), b.callId(),
                                b.cseq(), Timestamp.from(b.expiresAt()), b.userAgent(), b.source());
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                log.error("could not store the bindings of {}", aor, e);
            }
        });
    }

    /** Waits until every write queued so far is done (tests, shutdown). */
    public void flush() throws InterruptedException {
        try {
            writer.submit(() -> { }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
