package io.voxgate.sip.location;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.TenantSchema;

/**
 * Writes bindings to PostgreSQL behind the in-memory location service, so the REGISTER answer
 * never waits for the database. Each address of record's latest state replaces any state still
 * waiting to be written (a phone refreshing ten times costs one write), and one writer thread
 * stores the waiting states in batches, one transaction per tenant. Memory is bounded by the
 * number of addresses of record, not by the REGISTER rate; close() writes what is left.
 * A refresh that changes nothing but the expiry (by less than {@link #REFRESH_SLACK}), the CSeq or
 * the connection is not written at all: a phone re-registering every few seconds costs no database
 * work, the stored expiry is never more than that slack behind the real one, and the stored flow
 * and source address are those of the last write (the node id is what other nodes route by).
 */
public final class BindingStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BindingStore.class);
    private static final int BATCH = 500;
    /**
     * How long the writer gathers states after the first one arrives: at thousands of REGISTERs a
     * second, one round trip per 20 ms instead of one per few states (each round trip is a wakeup
     * of the writer and of a PostgreSQL backend). Bindings reach the database, and other nodes, at
     * most this much later.
     */
    static final Duration GATHER = Duration.ofMillis(20);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    static final Duration REFRESH_SLACK = Duration.ofSeconds(60);

    private final ConfigDatabase database;
    private final String nodeId;
    private final ConcurrentMap<AddressOfRecord, List<Binding>> waiting = new ConcurrentHashMap<>();
    /** The last state handed to the writer per address of record: what the database holds, or soon will. */
    private final ConcurrentMap<AddressOfRecord, List<Binding>> stored = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private volatile boolean running = true;
    /** Set by the first save after the writer took its last batch: later saves need not wake it. */
    private final java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
    private boolean writing;
    private final Thread writer;

    public BindingStore(ConfigDatabase database, String nodeId) {
        this.database = database;
        this.nodeId = nodeId;
        this.writer = Thread.ofVirtual().name("binding-writer").start(this::writeUntilClosed);
    }

    /**
     * Replaces what is stored for {@code aor} with {@code current} (soon, not now). Called for one
     * address of record by one thread at a time (the location service's update of that address).
     */
    public void save(AddressOfRecord aor, List<Binding> current) {
        List<Binding> last = stored.get(aor);
        if (last != null && onlyRefreshed(last, current)) {
            return;
        }
        if (current.isEmpty()) {
            stored.remove(aor);
        } else {
            stored.put(aor, current);
        }
        waiting.put(aor, current);
        if (!signalled.getAndSet(true)) {
            signal();
        }
    }

    /** The same bindings (over whichever flows), each expiring at most {@link #REFRESH_SLACK} later than stored. */
    private static boolean onlyRefreshed(List<Binding> last, List<Binding> current) {
        if (last.size() != current.size()) {
            return false;
        }
        for (Binding now : current) { // plain loops: this runs for every REGISTER
            Binding before = null;
            for (Binding stored : last) {
                if (now.sameBindingAs(stored)) {
                    before = stored;
                    break;
                }
            }
            if (before == null || !now.sameStoredStateAs(before) || now.expiresAt().isBefore(before.expiresAt())
                    || now.expiresAt().isAfter(before.expiresAt().plus(REFRESH_SLACK))) {
                return false;
            }
        }
        return true;
    }

    private void signal() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void writeUntilClosed() {
        while (running || !waiting.isEmpty()) {
            lock.lock();
            try {
                while (waiting.isEmpty() && running) {
                    signalled.set(false); // under the lock: a save from here on signals, and waits for the await below
                    if (!waiting.isEmpty()) {
                        break; // a save that came just before it saw the flag set
                    }
                    idle.signalAll();
                    work.await(1, TimeUnit.SECONDS);
                }
                writing = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (running) {
                    Thread.sleep(GATHER);
                }
                signalled.set(false); // before taking: a save from now on wakes the next round
                writeBatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.lock();
                try {
                    writing = false;
                    if (waiting.isEmpty()) {
                        idle.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void writeBatch() {
        Map<String, Map<AddressOfRecord, List<Binding>>> byTenant = new LinkedHashMap<>();
        int taken = 0;
        for (AddressOfRecord aor : List.copyOf(waiting.keySet())) {
            List<Binding> state = waiting.remove(aor);
            if (state != null) {
                byTenant.computeIfAbsent(aor.tenantSlug(), t -> new LinkedHashMap<>()).put(aor, state);
                if (++taken == BATCH) {
                    break;
                }
            }
        }
        for (Map.Entry<String, Map<AddressOfRecord, List<Binding>>> tenant : byTenant.entrySet()) {
            try {
                database.inTenant(TenantSchema.of(tenant.getKey()), c -> write(c, tenant.getValue()));
            } catch (RuntimeException e) {
                log.error("could not store the bindings of {} addresses in tenant {}", tenant.getValue().size(), tenant.getKey(), e);
            }
        }
    }

    private Void write(Connection c, Map<AddressOfRecord, List<Binding>> states) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM registrations WHERE aor_user = ?");
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO registrations (aor_user, contact, instance_id, reg_id, node_id, flow_id, call_id,
                                                cseq, expires_at, user_agent, source)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                     """)) {
            for (Map.Entry<AddressOfRecord, List<Binding>> state : states.entrySet()) {
                delete.setString(1, state.getKey().user());
                delete.addBatch();
                for (Binding b : state.getValue()) {
                    insert.setString(1, state.getKey().user());
                    insert.setString(2, b.contact());
                    insert.setString(3, b.instanceId());
                    insert.setInt(4, b.regId());
                    insert.setString(5, nodeId);
                    insert.setString(6, b.flowId());
                    insert.setString(7, b.callId());
                    insert.setLong(8, b.cseq());
                    insert.setTimestamp(9, Timestamp.from(b.expiresAt()));
                    insert.setString(10, b.userAgent());
                    insert.setString(11, b.source());
                    insert.addBatch();
                }
            }
            delete.executeBatch();
            insert.executeBatch();
        }
        return null;
    }

    /** Waits until every state saved so far is written (tests, shutdown). */
    public void flush() throws InterruptedException {
        lock.lock();
        try {
            work.signal();
            while (!waiting.isEmpty() || writing) {
                idle.await(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of addresses of record whose state is not written yet (a gauge: the writer keeping up). */
    public int backlog() {
        return waiting.size();
    }

    @Override
    public void close() {
        running = false;
        signal();
        try {
            writer.join(CLOSE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!waiting.isEmpty()) {
            log.warn("{} addresses of record were not written to the database before shutdown", waiting.size());
        }
    }

}
