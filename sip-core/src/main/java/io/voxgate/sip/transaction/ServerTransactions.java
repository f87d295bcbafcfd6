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
import io.voxgate.sip.MethodCounters;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.sip.transport.SipFlow;
import io.voxgate.sip.transport.SipRequestHandler;

/**
 * The transaction layer between the transport and the TU (RFC 3261 §17): matches each request to
 * its server transaction (§17.2.3), so a retransmission is answered with the last response
 * instead of being handled twice, the ACK of a non-2xx ends its INVITE transaction here, and a
 * CANCEL finds the INVITE it cancels (§9.2) even while the TU is still working on it (looking up
 * credentials, dialling the callee). Responses go to the client transactions.
 */
public final class ServerTransactions implements SipRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(ServerTransactions.class);
    private static final String MAGIC_COOKIE = "z9hG4bK";

    private final ConcurrentMap<String, ServerTransaction> byKey = new ConcurrentHashMap<>();
    private final TransactionUser user;
    private final ClientTransactions clients;
    private final TransactionTimers timers;
    private final MethodCounters requests;

    public ServerTransactions(TransactionUser user, ClientTransactions clients, TransactionTimers timers, MeterRegistry metrics) {
        this.user = user;
        this.clients = clients;
        this.timers = timers;
        this.requests = new MethodCounters(metrics, "voxgate.sip.requests");
        Gauge.builder("voxgate.sip.transactions", byKey, ConcurrentMap::size).tag("side", "server")
                .description("SIP server transactions in progress or lingering (RFC 3261 §17.2)").register(metrics);
    }

    @Override
    public void onRequest(SipFlow flow, SIPRequest request) {
        requests.increment(request.getMethod());
        switch (request.getMethod()) {
            case "ACK" -> {
                ServerTransaction invite = byKey.get(key(flow, request, "INVITE"));
                if (invite == null || !invite.acknowledged()) {
                    user.onAck(flow, request);
                }
            }
            case "CANCEL" -> onCancel(flow, request);
            default -> {
                String key = key(flow, request, request.getMethod());
                ServerTransaction created = new ServerTransaction(key, flow, request, this, timers);
                ServerTransaction existing = byKey.putIfAbsent(key, created);
                if (existing != null) {
                    existing.retransmitted();
                    return;
                }
                try {
                    user.onRequest(created);
                } catch (RuntimeException e) {
                    log.error("{}: handling {} failed", flow, request.getFirstLine().strip(), e);
                    created.respond(SipResponses.create(request, SIPResponse.SERVER_INTERNAL_ERROR));
                }
            }
        }
    }

    /**
     * RFC 3261 §9.2 and §16.10: a CANCEL for a pending INVITE of this caller gets 200 at once and
     * the TU cancels what it started; a CANCEL that matches nothing gets 481 (the key holds the
     * connection, so a CANCEL from another connection than its INVITE matches nothing).
     */
    private void onCancel(SipFlow flow, SIPRequest cancel) {
        ServerTransaction invite = byKey.get(key(flow, cancel, "INVITE"));
        if (invite == null) {
            flow.send(SipResponses.create(cancel, SIPResponse.CALL_OR_TRANSACTION_DOES_NOT_EXIST));
            return;
        }
        flow.send(SipResponses.create(cancel, SIPResponse.OK));
        invite.cancel();
    }

    @Override
    public void onResponse(SipFlow flow, SIPResponse response) {
        clients.onResponse(flow, response);
    }

    @Override
    public void onFlowClosed(SipFlow flow) {
        clients.onFlowClosed(flow);
        for (ServerTransaction transaction : byKey.values()) { // a scan, as for client transactions
            if (transaction.flow() == flow) {
                transaction.flowClosed();
            }
        }
        user.onFlowClosed(flow);
    }

    void remove(String key, ServerTransaction transaction) {
        byKey.remove(key, transaction);
    }

    /**
     * §17.2.3: the branch, the sent-by and the method (ACK and CANCEL look for their INVITE), and
     * the connection: phones behind NAT can share a private sent-by, and a request on another
     * connection is never another's retransmission, ACK or CANCEL. A request from an RFC 2543 client
     * without the magic cookie is matched on Call-ID, CSeq number, From tag and sent-by instead
     * (§17.2.3's fallback, simplified: To tag and Request-URI omitted).
     */
    private static String key(SipFlow flow, SIPRequest request, String method) {
        Via top = request.getTopmostVia();
        String branch = top.getBranch();
        String sentBy = top.getHost() + ":" + top.getPort();
        if (branch != null && branch.startsWith(MAGIC_COOKIE)) {
            return branch + "|" + sentBy + "|" + method + "|" + flow.id();
        }
        return "2543|" + request.getCallId().getCallId() + "|" + request.getCSeq().getSeqNumber() + "|" + request.getFromTag()
                + "|" + sentBy + "|" + method + "|" + flow.id();
    }
}
