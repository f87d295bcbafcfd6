package io.voxgate.sip.transport;

import gov.nist.javax.sip.message.SIPRequest;

/**
 * The transport's one callback into the layers above. Called on the flow's event loop: it must not
 * block (hand database or other blocking work to another executor and answer from there).
 */
public interface SipRequestHandler {

    void onRequest(SipFlow flow, SIPRequest request);

    /** A response arrived on {@code flow} (from a phone the proxy forwarded a request to). */
    default void onResponse(SipFlow flow, gov.nist.javax.sip.message.SIPResponse response) {
    }

    /** The flow is gone: bindings made over it must stop being used (RFC 5626 §5.3). */
    default void onFlowClosed(SipFlow flow) {
    }
}
