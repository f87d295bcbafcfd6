package io.voxgate.sip.location;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;

/**
 * Where each address of record can be reached: the registrar writes, the proxy (next) reads.
 * Kept in memory, so a lookup never waits for the database; every change is also written to
 * PostgreSQL through the {@link BindingStore}. Updates of one address of record are atomic
 * (ConcurrentHashMap.compute); bindings over a closed flow are dropped at once.
 */
public final class LocationService {

    private final ConcurrentMap<AddressOfRecord, List<Binding>> bindings = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<AddressOfRecord>> aorsByFlow = new ConcurrentHashMap<>();
    private final BindingStore store;
    private final Clock clock;
    private final boolean contactsOutliveFlows;

    /**
     * @param contactsOutliveFlows keep a binding made without RFC 5626 outbound when its connection
     *                             closes (until it expires), so the proxy can dial its Contact; an
     *                             outbound binding always dies with its flow
     */
    public LocationService(BindingStore store, Clock clock, boolean contactsOutliveFlows) {
        this.store = store;
        this.clock = clock;
        this.contactsOutliveFlows = contactsOutliveFlows;
    }

    /** The live bindings of an address of record. */
    public List<Binding> lookup(AddressOfRecord aor) {
        Instant now = clock.instant();
        return bindings.getOrDefault(aor, List.of()).stream().filter(b -> !b.isExpiredAt(now)).toList();
    }

    /** The outcome of applying one REGISTER: the bindings afterwards, or why it was refused. */
    public sealed interface Update {
        record Applied(List<Binding> current) implements Update {
        }

        /** RFC 3261 §10.3 step 7: same Call-ID with a CSeq that is not higher. */
        record OutOfOrder() implements Update {
        }
    }

    /**
     * Applies a REGISTER's changes atomically: {@code removals} (expires=0) and {@code additions}
     * (new or refreshed bindings) for one address of record; {@code removeAll} for "Contact: *".
     */
    public Update apply(AddressOfRecord aor, boolean removeAll, List<Binding> additions, List<Binding> removals,
                        String callId, long cseq) {
        Update[] result = new Update[1];
        bindings.compute(aor, (key, existing) -> {
            Instant now = clock.instant();
            List<Binding> current = new ArrayList<>(existing == null ? List.of() : existing);
            current.removeIf(b -> b.isExpiredAt(now));
            boolean outOfOrder = current.stream()
                    .anyMatch(b -> b.callId().equals(callId) && b.cseq() >= cseq
                            && (removeAll || additions.stream().anyMatch(b::sameBindingAs) || removals.stream().anyMatch(b::sameBindingAs)));
            if (outOfOrder) {
                result[0] = new Update.OutOfOrder();
                return existing;
            }
            if (removeAll) {
                current.clear();
            }
            for (Binding removal : removals) {
                current.removeIf(removal::sameBindingAs);
            }
            for (Binding addition : additions) {
                current.removeIf(addition::sameBindingAs);
                current.add(addition);
                aorsByFlow.compute(addition.flowId(), (flow, aors) -> { // the add inside: see dropBindings
                    Set<AddressOfRecord> set = aors == null ? ConcurrentHashMap.newKeySet() : aors;
                    set.add(aor);
                    return set;
                });
            }
            List<Binding> after = List.copyOf(current);
            forgetFlowsLeft(aor, existing, after);
            result[0] = new Update.Applied(after);
            store.save(aor, after); // inside the update: states of one address reach the store in order
            return after.isEmpty() ? null : after;
        });
        return result[0];
    }

    /** A binding that moved to another connection no longer ties its address of record to the old one. */
    private void forgetFlowsLeft(AddressOfRecord aor, List<Binding> before, List<Binding> after) {
        if (before == null) {
            return;
        }
        for (Binding old : before) {
            if (after.stream().noneMatch(b -> b.flowId().equals(old.flowId()))) {
                Set<AddressOfRecord> aors = aorsByFlow.get(old.flowId());
                if (aors != null) {
                    aors.remove(aor);
                }
            }
        }
    }

    /**
     * A connection closed: its outbound bindings can no longer be reached (RFC 5626 §5.3) and are
     * removed; so are the others unless contacts outlive flows, and even then those the switch may
     * not dial ({@link ContactAddress#dialable}): no TLS address, another host than the one that
     * registered, or the connection's own source port (a client's ephemeral port, where nothing listens).
     */
    public void flowClosed(String flowId) {
        Set<AddressOfRecord> aors = aorsByFlow.remove(flowId);
        if (aors == null) {
            return;
        }
        for (AddressOfRecord aor : aors) {
            removeMatching(aor, b -> b.flowId().equals(flowId)
                    && (b.isOutbound() || !contactsOutliveFlows || ContactAddress.dialable(b).isEmpty()));
        }
    }

    /** The addresses of record with a binding over {@code flowId}. */
    public Set<AddressOfRecord> boundOver(String flowId) {
        Set<AddressOfRecord> aors = aorsByFlow.get(flowId);
        return aors == null ? Set.of() : Set.copyOf(aors);
    }

    /**
     * Removes every binding made over {@code flowId}, outbound or not, before its connection is
     * closed: the phone on it may no longer register (its device was revoked), so not even a
     * contact that outlives flows may stay dialable.
     */
    public void dropFlow(String flowId) {
        Set<AddressOfRecord> aors = aorsByFlow.remove(flowId);
        if (aors != null) {
            for (AddressOfRecord aor : aors) {
                removeMatching(aor, b -> b.flowId().equals(flowId));
            }
        }
    }

    /**
     * Removes {@code aor}'s bindings over {@code flowId} only: that user may no longer register,
     * others on the same connection (a multi-line phone) may. Returns whether the flow still
     * carries bindings.
     */
    public boolean dropBindings(AddressOfRecord aor, String flowId) {
        removeMatching(aor, b -> b.flowId().equals(flowId));
        // atomically with apply()'s computeIfAbsent: a second line registering meanwhile is not lost from the flow's set
        Set<AddressOfRecord> left = aorsByFlow.computeIfPresent(flowId, (flow, aors) -> {
            aors.remove(aor);
            return aors.isEmpty() ? null : aors;
        });
        return left != null;
    }

    private void removeMatching(AddressOfRecord aor, Predicate<Binding> doomed) {
        bindings.computeIfPresent(aor, (key, existing) -> {
            List<Binding> kept = existing.stream().filter(doomed.negate()).toList();
            if (kept.size() != existing.size()) {
                store.save(aor, kept);
            }
            return kept.isEmpty() ? null : kept;
        });
    }

    /** Number of live contacts, for the registered-contacts gauge. */
    public int contactCount() {
        Instant now = clock.instant();
        return bindings.values().stream().mapToInt(list -> (int) list.stream().filter(b -> !b.isExpiredAt(now)).count()).sum();
    }
}
