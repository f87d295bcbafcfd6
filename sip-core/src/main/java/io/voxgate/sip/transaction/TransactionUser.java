package io.voxgate.sip.transaction;

import gov.nist.javax.sip.message.SIPRequest;
import io.voxgate.sip.transport.SipFlow;

/**
 * The layer above the transactions (RFC 3261 §17: the "TU"): the registrar and the proxy behind
 * the method router. Called on the flow's event loop, so it must not block.
 */
public interface TransactionUser {

    /** A new request (neither a retransmission, nor an ACK, nor a CANCEL): answer through {@code transaction}. */
    void onRequest(ServerTransaction transaction);

    /** An ACK that matches no INVITE transaction here: the ACK of a 2xx, which is a request of its own (§17.1.1.3). */
    void onAck(SipFlow flow, SIPRequest ack);

    /** The connection is gone: bindings made over it must stop being used (RFC 5626 §5.3). */
    default void onFlowClosed(SipFlow flow) {
    }
}
