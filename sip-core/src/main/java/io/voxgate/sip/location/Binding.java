package io.voxgate.sip.location;

import java.time.Instant;

/**
 * One contact of an address of record. {@code flowId} is the connection the REGISTER came over:
 * requests to this contact go down that connection (RFC 5626), and the binding dies with it.
 *
 * @param instanceId the +sip.instance of an RFC 5626 client, or null
 * @param regId      its reg-id, or 0
 */
public record Binding(AddressOfRecord aor, String contact, String instanceId, int regId, String flowId,
                      String callId, long cseq, Instant expiresAt, String userAgent, String source) {

    public boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** An RFC 5626 registration: reachable only over its own flow, never by dialling its contact. */
    public boolean isOutbound() {
        return instanceId != null && regId > 0;
    }

    /** Everything stored about a binding but its expiry and the REGISTER (Call-ID, CSeq) that refreshed it. */
    public boolean sameStateAs(Binding other) {
        return contact.equals(other.contact) && java.util.Objects.equals(instanceId, other.instanceId) && regId == other.regId
                && flowId.equals(other.flowId) && java.util.Objects.equals(userAgent, other.userAgent)
                && java.util.Objects.equals(source, other.source);
    }

    /** RFC 5626 §6: a binding with instance and reg-id is identified by them, not by its URI. */
    public boolean sameBindingAs(Binding other) {
        if (instanceId != null && regId > 0) {
            return instanceId.equals(other.instanceId) && regId == other.regId;
        }
        return contact.equals(other.contact);
    }
}
