package io.voxgate.sip;

import java.text.ParseException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.Allow;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.registrar.Registrar;
import io.voxgate.sip.transport.SipFlow;
import io.voxgate.sip.transport.SipRequestHandler;

/**
 * Routes requests by method to the layer that serves them. Today that is the registrar (REGISTER)
 * and OPTIONS (keepalive probes); every other method is answered 405 with the Allow header until
 * the proxy serves it, so a phone learns exactly what this switch does.
 */
public final class SipSwitch implements SipRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(SipSwitch.class);
    static final String ALLOWED = "REGISTER, OPTIONS";

    private final Registrar registrar;
    private final LocationService location;
    private final MeterRegistry metrics;

    public SipSwitch(Registrar registrar, LocationService location, MeterRegistry metrics) {
        this.registrar = registrar;
        this.location = location;
        this.metrics = metrics;
    }

    @Override
    public void onRequest(SipFlow flow, SIPRequest request) {
        String method = request.getMethod();
        metrics.counter("voxgate.sip.requests", "method", knownMethodOrOther(method)).increment();
        switch (method) {
            case "REGISTER" -> registrar.onRegister(flow, request);
            case "OPTIONS" -> flow.send(withAllow(request.createResponse(SIPResponse.OK)));
            case "ACK" -> log.debug("{}: ACK outside a transaction; dropped", flow); // ACKs are never answered
            default -> flow.send(withAllow(request.createResponse(SIPResponse.METHOD_NOT_ALLOWED)));
        }
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

    private static String knownMethodOrOther(String method) {
        return switch (method) {
            case "REGISTER", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "SUBSCRIBE", "NOTIFY", "MESSAGE", "INFO",
                 "UPDATE", "REFER", "PRACK", "PUBLISH" -> method;
            default -> "OTHER"; // metric tags must stay bounded whatever a client sends
        };
    }
}
