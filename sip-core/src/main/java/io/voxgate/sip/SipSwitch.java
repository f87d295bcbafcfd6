package io.voxgate.sip;

import java.text.ParseException;

import gov.nist.javax.sip.header.Allow;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.proxy.Proxy;
import io.voxgate.sip.registrar.Registrar;
import io.voxgate.sip.transaction.ServerTransaction;
import io.voxgate.sip.transaction.TransactionUser;
import io.voxgate.sip.transport.SipFlow;

/**
 * Routes requests by method to the layer that serves them: REGISTER to the registrar, OPTIONS
 * addressed to the switch itself answered here (keepalive probes), everything else to the proxy.
 * It sits above the transaction layer, which has already absorbed retransmissions, the ACKs of
 * non-2xx responses and CANCELs.
 */
public final class SipSwitch implements TransactionUser {

    static final String ALLOWED = "REGISTER, OPTIONS, INVITE, ACK, BYE, CANCEL, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE, PRACK";

    private final Registrar registrar;
    private final Proxy proxy;
    private final LocationService location;

    public SipSwitch(Registrar registrar, Proxy proxy, LocationService location) {
        this.registrar = registrar;
        this.proxy = proxy;
        this.location = location;
    }

    @Override
    public void onRequest(ServerTransaction transaction) {
        SIPRequest request = transaction.request();
        String method = request.getMethod();
        switch (method) {
            case "REGISTER" -> registrar.onRegister(transaction);
            case "OPTIONS" -> {
                if (isForThisSwitch(request)) {
                    transaction.respond(withAllow(SipResponses.create(request, SIPResponse.OK)));
                } else {
                    proxy.onRequest(transaction);
                }
            }
            case "PUBLISH" -> transaction.respond(withAllow(SipResponses.create(request, SIPResponse.METHOD_NOT_ALLOWED)));
            default -> proxy.onRequest(transaction);
        }
    }

    @Override
    public void onAck(SipFlow flow, SIPRequest ack) {
        proxy.onAck(flow, ack);
    }

    private static boolean isForThisSwitch(SIPRequest request) {
        return request.getToTag() == null && request.getRequestURI() instanceof gov.nist.javax.sip.address.SipUri uri
                && uri.getUser() == null;
    }

    @Override
    public void onFlowClosed(SipFlow flow) {
        location.flowClosed(flow.id());
    }

    private static SIPResponse withAllow(SIPResponse response) {
        try {
            Allow allow = new Allow();
            allow.setMethod(ALLOWED);
            response.setHeader(allow);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return response;
    }

}
