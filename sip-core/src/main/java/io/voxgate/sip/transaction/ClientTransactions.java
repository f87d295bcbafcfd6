package io.voxgate.sip.transaction;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.sip.transport.SipFlow;

/**
 * The client transactions this switch has open (RFC 3261 §17.1), matched to responses by the
 * branch of the top Via, which this switch generated, and the CSeq method (§17.1.3: a CANCEL
 * shares its INVITE's branch).
 */
public final class ClientTransactions {

    private static final Logger log = LoggerFactory.getLogger(ClientTransactions.class);

    private final ConcurrentMap<String, ClientTransaction> byKey = new ConcurrentHashMap<>();
    private final TransactionTimers timers;

    public ClientTransactions(TransactionTimers timers, MeterRegistry metrics) {
        this.timers = timers;
        Gauge.builder("voxgate.sip.transactions", byKey, ConcurrentMap::size).tag("side", "client")
                .description("SIP client transactions in progress or lingering (RFC 3261 §17.1)").register(metrics);
    }

    public TransactionTimers timers() {
        return timers;
    }

    /** Sends {@code request}, whose top Via is this switch's with a fresh branch, down {@code target}. */
    public ClientTransaction send(SIPRequest request, SipFlow target, ClientTransaction.Listener listener) {
        String branch = request.getTopmostVia().getBranch();
        String key = branch + "|" + request.getMethod();
        ClientTransaction transaction = new ClientTransaction(key, branch, target, request, listener, this, timers);
        if (byKey.putIfAbsent(key, transaction) != null) {
            throw new IllegalStateException("branch " + branch + " is in use");
        }
        transaction.start();
        if (!target.isOpen()) {
            transaction.transportFailed(); // closed before we were in the map for onFlowClosed to find
        }
        return transaction;
    }

    void onResponse(SipFlow flow, SIPResponse response) {
        Via top = response.getTopmostVia();
        ClientTransaction transaction = top == null ? null : byKey.get(top.getBranch() + "|" + response.getCSeq().getMethod());
        if (transaction == null || transaction.target() != flow) {
            // our own CANCEL's 200, or a straggler past Timer M; §16.7 would forward a stray 2xx statelessly
            log.debug("{}: response {} matches no transaction; dropped", flow, response.getStatusCode());
            return;
        }
        transaction.onResponse(response);
    }

    /**
     * §16.9: what was sent down a connection that closed gets no answer; each pending transaction
     * on it fails as if with a 503. A scan, not an index per flow: transactions in progress number
     * in the thousands at most, and the index would cost every request an extra map update.
     */
    void onFlowClosed(SipFlow flow) {
        for (ClientTransaction transaction : byKey.values()) {
            if (transaction.target() == flow) {
                transaction.transportFailed();
            }
        }
    }

    void remove(String key, ClientTransaction transaction) {
        byKey.remove(key, transaction);
    }
}
