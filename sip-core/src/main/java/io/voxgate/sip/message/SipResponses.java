package io.voxgate.sip.message;

import java.text.ParseException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;

/** Responses this switch generates itself (as a UAS, or a proxy answering for the callee). */
public final class SipResponses {

    private SipResponses() {
    }

    /**
     * The RI's response to {@code request} with a To tag added (RFC 3261 §8.2.6.2: every response
     * but 100 carries one), unless the request already had one (in-dialog).
     */
    public static SIPResponse create(SIPRequest request, int status) {
        SIPResponse response = request.createResponse(status);
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
