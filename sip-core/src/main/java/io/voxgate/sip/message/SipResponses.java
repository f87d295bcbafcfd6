package io.voxgate.sip.message;

import java.text.ParseException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/** Responses this switch generates itself (as a UAS, or a proxy answering for the callee). */
public final class SipResponses {

    /**
     * RFC 3261 §21's reason phrases where the RI's table spells them otherwise ("Not found",
     * "Call leg/Transaction does not exist", "Etension Required"). Phrases are for people: an
     * engineer reading a trace should see the RFC's words.
     */
    private static final Map<Integer, String> RFC_REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(407, "Proxy Authentication Required"), Map.entry(408, "Request Timeout"),
            Map.entry(413, "Request Entity Too Large"), Map.entry(420, "Bad Extension"), Map.entry(421, "Extension Required"),
            Map.entry(423, "Interval Too Brief"), Map.entry(481, "Call/Transaction Does Not Exist"),
            Map.entry(482, "Loop Detected"), Map.entry(483, "Too Many Hops"), Map.entry(486, "Busy Here"),
            Map.entry(488, "Not Acceptable Here"), Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"));

    private SipResponses() {
    }

    /**
     * The RI's response to {@code request} with a To tag added (RFC 3261 §8.2.6.2: every response
     * but 100 carries one), unless the request already had one (in-dialog).
     */
    public static SIPResponse create(SIPRequest request, int status) {
        SIPResponse response = request.createResponse(status);
        String phrase = RFC_REASONS.get(status);
        if (phrase != null) {
            response.setReasonPhrase(phrase);
        }
        if (status > SIPResponse.TRYING && response.getTo() != null && response.getTo().getTag() == null) {
            try {
                // §19.3: a tag needs 32 bits of randomness; it is not a secret
                response.getTo().setTag(HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            } catch (ParseException e) {
                throw new IllegalStateException("a hex tag is always a valid token", e);
            }
        }
        return response;
    }
}
