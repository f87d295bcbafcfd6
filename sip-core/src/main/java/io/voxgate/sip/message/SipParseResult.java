package io.voxgate.sip.message;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;

/**
 * What the parser made of one framed message: a message, or why it is malformed. A malformed
 * request that still has enough (Via, From, To, Call-ID, CSeq) can be answered with 400; otherwise
 * the connection is closed. Malformed input is a value here, never an exception in the pipeline.
 */
public sealed interface SipParseResult {

    record Parsed(SIPMessage message) implements SipParseResult {
    }

    /** @param answerable a request that a 400 can be built from, when there is one */
    record Malformed(String reason, SIPRequest answerable) implements SipParseResult {
    }
}
