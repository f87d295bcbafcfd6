package io.voxgate.sip.proxy;

import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.sip.transport.SipFlow;

/**
 * A call the proxy saw confirmed (the 2xx to an initial INVITE), with what it takes to end it
 * from the middle: each side's flow, dialog identifiers and remote target, and the highest CSeq
 * each side used, so a BYE the proxy sends is newer than anything that side has seen from the
 * other (RFC 3261 §12.2.2). Kamailio's dialog module keeps the same for its dlg_end_dlg.
 */
final class ConfirmedDialog {

    final String callId;
    final SipFlow callerFlow;
    final SipFlow calleeFlow;
    private final String callerAddress; // From of the INVITE, with the caller's tag
    private final String calleeAddress; // To of the 2xx, with the callee's tag
    private final String callerTag;
    private final String calleeTag;
    private final String callerTarget;
    private final String calleeTarget;
    private long callerCSeq;
    private long calleeCSeq;

    ConfirmedDialog(SIPRequest invite, SIPResponse ok, SipFlow callerFlow, SipFlow calleeFlow) {
        this.callId = invite.getCallId().getCallId();
        this.callerFlow = callerFlow;
        this.calleeFlow = calleeFlow;
        this.callerAddress = valueOf(invite.getFrom().toString());
        this.calleeAddress = valueOf(ok.getTo().toString());
        this.callerTarget = target(invite.getContactHeader(), invite.getFrom().getAddress().getURI().toString());
        this.calleeTarget = target(ok.getContactHeader(), ok.getTo().getAddress().getURI().toString());
        this.callerCSeq = invite.getCSeq().getSeqNumber();
        this.callerTag = invite.getFromTag();
        this.calleeTag = ok.getToTag();
    }

    /**
     * The request belongs to this dialog (RFC 3261 §12: Call-ID and the two tags), not to another
     * early dialog of the same INVITE that a second 2xx confirmed (§13.2.2.4: the caller ACKs and
     * BYEs those); either party may send it.
     */
    boolean isDialogOf(SIPRequest request) {
        String from = request.getFromTag();
        String to = request.getToTag();
        return (callerTag != null && calleeTag != null)
                && ((callerTag.equals(from) && calleeTag.equals(to)) || (calleeTag.equals(from) && callerTag.equals(to)));
    }

    /**
     * An in-dialog request of this dialog passed through; its From tag says which party sent it
     * (its connection may not be the one the call started on: a phone that reconnected).
     */
    synchronized void sawRequest(SIPRequest request) {
        long cseq = request.getCSeq().getSeqNumber();
        String from = request.getFromTag();
        if (from != null && from.equals(callerTag)) {
            callerCSeq = Math.max(callerCSeq, cseq);
        } else if (from != null && from.equals(calleeTag)) {
            calleeCSeq = Math.max(calleeCSeq, cseq);
        }
    }

    /** The BYE the proxy sends the callee, as if from the caller; its Via is a placeholder the proxy replaces with its own. */
    synchronized String byeToCallee(String reason) {
        return bye(calleeTarget, callerAddress, calleeAddress, ++callerCSeq, reason);
    }

    /** The BYE the proxy sends the caller, as if from the callee. */
    synchronized String byeToCaller(String reason) {
        return bye(callerTarget, calleeAddress, callerAddress, ++calleeCSeq, reason);
    }

    private String bye(String target, String from, String to, long cseq, String reason) {
        return "BYE " + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 0.0.0.0;branch=z9hG4bK-placeholder\r\n" // the parser wants one; replaced
                + "Max-Forwards: 70\r\n"
                + "From: " + from + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " BYE\r\n"
                + "Reason: " + reason + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** "From: <sip:...>;tag=x" as the RI encodes it, without the name. */
    private static String valueOf(String encodedHeader) {
        return encodedHeader.substring(encodedHeader.indexOf(':') + 1).strip();
    }

    private static String target(Contact contact, String fallback) {
        return contact == null || contact.getAddress() == null ? fallback : contact.getAddress().getURI().toString();
    }
}
