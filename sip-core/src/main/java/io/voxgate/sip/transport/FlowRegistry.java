package io.voxgate.sip.transport;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The open flows of this node, by id: how a request to a registered phone finds its connection. */
public final class FlowRegistry {

    private final String nodeId;
    private final ConcurrentMap<String, SipFlow> flows = new ConcurrentHashMap<>();

    public FlowRegistry(String nodeId) {
        this.nodeId = nodeId;
    }

    public String nodeId() {
        return nodeId;
    }

    void add(SipFlow flow) {
        flows.put(flow.id(), flow);
    }

    void remove(SipFlow flow) {
        flows.remove(flow.id(), flow);
    }

    public Optional<SipFlow> find(String flowId) {
        return Optional.ofNullable(flows.get(flowId)).filter(SipFlow::isOpen);
    }

    /** A snapshot of the open flows. */
    public java.util.List<SipFlow> all() {
        return flows.values().stream().filter(SipFlow::isOpen).toList();
    }

    public int size() {
        return flows.size();
    }
}
