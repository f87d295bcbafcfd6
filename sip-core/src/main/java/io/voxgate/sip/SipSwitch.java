package io.voxgate.sip;

import java.text.ParseException;

import gov.nist.javax.sip.header.Allow;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.proxy.Proxy;
import io.voxgate.sip.registrar.Registrar;
import io.voxgate.sip.transport.SipFlow;
import io.voxgate.sip.transport.SipRequestHandler;

/**
 * Routes requests by method to the layer that serves them: REGISTER to the registrar, OPTIONS
 * addressed to the switch itself answered here (keepalive probes), everything else to the proxy;
 * responses go to the proxy, whose transactions they belong to.
 */
public final class SipSwitch implements SipRequestHandler {

    static final String ALLOWED = "REGISTER, OPTIONS, INVITE, ACK, BYE, CANCEL, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE, PRACK";

    private final Registrar registrar;
    private final Proxy proxy;
    private final LocationService location;
    private final MethodCounters requests;

    public SipSwitch(Registrar registrar, Proxy proxy, LocationService location, MeterRegistry metrics) {
        this.registrar = registrar;
        this.proxy = proxy;
        this.location = location;
        this.requests = new MethodCounters(metrics, "voxgate.sip.requests");
    }

    @Override
    public void onRequest(SipFlow flow, SIPRequest request) {
        String method = request.getMethod();
        requests.increment(method);
        switch (method) {
            case "REGISTER" -> registrar.onRegister(flow, request);
            case "OPTIONS" -> {
                if (isForThisSwitch(request)) {
                    flow.send(withAllow(SipResponses.create(request, SIPResponse.OK)));
                } else {
                    proxy.onRequest(flow, request);
                }
            }
            case "PUBLISH" -> flow.send(withAllow(SipResponses.create(request, SIPResponse.METHOD_NOT_ALLOWED)));
            default -> proxy.onRequest(flow, request);
        }
    }

    @Override
    public void onResponse(SipFlow flow, SIPResponse response) {
        proxy.onResponse(flow, response);
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
