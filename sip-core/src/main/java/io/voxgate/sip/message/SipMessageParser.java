package io.voxgate.sip.message;

import java.text.ParseException;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;

/**
 * Turns one framed SIP message into JAIN-SIP RI's message model. The grammar is the RI's; this
 * class adds what a server at the edge needs: a bad Via/CSeq/From/To/Call-ID is an error (the RI
 * would silently drop the header), and the mandatory headers of RFC 3261 §8.1.1 must be there.
 */
public final class SipMessageParser {

    static {
        RiLogBridge.install();
        RiParserNesting.defuse();
    }

    /** Rejects any header the RI could not parse instead of letting it drop the header silently. */
    private static final ParseExceptionListener STRICT = (exception, message, headerClass, headerText, messageText) -> {
        throw exception;
    };

    public SipParseResult parse(byte[] frame) {
        SIPMessage message;
        try {
            // StringMsgParser keeps no state between calls that matters here, but is cheap to create.
            message = new StringMsgParser().parseSIPMessage(frame, true, false, STRICT);
        } catch (ParseException | RuntimeException e) {
            return new SipParseResult.Malformed(reason(e), lenientRequest(frame));
        }
        if (message == null) {
            return new SipParseResult.Malformed("empty message", null);
        }
        String missing = missingMandatoryHeader(message);
        if (missing != null) {
            return new SipParseResult.Malformed("missing or invalid " + missing + " header",
                    message instanceof SIPRequest request && answerable(request) ? request : null);
        }
        return new SipParseResult.Parsed(message);
    }

    /** The same bytes parsed leniently, only to build a 400 when enough of the request survives. */
    private static SIPRequest lenientRequest(byte[] frame) {
        try {
            SIPMessage lenient = new StringMsgParser().parseSIPMessage(frame, true, false, null);
            return lenient instanceof SIPRequest request && answerable(request) ? request : null;
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static boolean answerable(SIPRequest request) {
        return request.getTopmostVia() != null && request.getFrom() != null && request.getTo() != null
                && request.getCallId() != null && request.getCSeq() != null;
    }

    private static String missingMandatoryHeader(SIPMessage m) {
        if (m.getTopmostVia() == null) {
            return "Via";
        }
        if (m.getFrom() == null) {
            return "From";
        }
        if (m.getTo() == null) {
            return "To";
        }
        if (m.getCallId() == null) {
            return "Call-ID";
        }
        if (m.getCSeq() == null) {
            return "CSeq";
        }
        if (m instanceof SIPRequest request && !request.getMethod().equals(request.getCSeq().getMethod())) {
            return "CSeq (method differs from the request line)";
        }
        return null;
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        // first line only: the RI appends the whole offending message
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
