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

    /**
     * What other nodes need from the stored copy: the contact, its RFC 5626 identity and the user
     * agent. The connection it came over (flow, source address) is this node's own business, kept
     * in memory: a phone that only reconnected, or only moved its expiry a little, is not worth a write.
     */
    public boolean sameStoredStateAs(Binding other) {
        return contact.equals(other.contact) && java.util.Objects.equals(instanceId, other.instanceId) && regId == other.regId
                && java.util.Objects.equals(userAgent, other.userAgent);
    }

    /** RFC 5626 §6: a binding with instance and reg-id is identified by them, not by its URI. */
    public boolean sameBindingAs(Binding other) {
        if (instanceId != null && regId > 0) {
            return instanceId.equals(other.instanceId) && regId == other.regId;
        }
        return contact.equals(other.contact);
    }
}
