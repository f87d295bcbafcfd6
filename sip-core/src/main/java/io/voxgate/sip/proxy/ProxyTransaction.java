package io.voxgate.sip.proxy;

import java.util.ArrayList;
import java.util.List;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.util.Timeout;
import io.voxgate.sip.transaction.ClientTransaction;
import io.voxgate.sip.transaction.ServerTransaction;

/**
 * One request being proxied, the "response context" of RFC 3261 §16: the server transaction
 * toward the caller and one client transaction per target. Guarded by this object's monitor:
 * responses for different branches arrive on different event loops.
 */
final class ProxyTransaction {

    /** One forwarded copy of the request and what came back on it. */
    static final class Branch {
        final String id;
        ClientTransaction client;
        int finalStatus; // 0 while no final response

        Branch(String id) {
            this.id = id;
        }
    }

    final ServerTransaction server;
    final String callId;
    final boolean invite;
    /** An INVITE outside a dialog: its 2xx confirms a new call. */
    final boolean initialInvite;
    final String mergeKey;
    final List<Branch> branches = new ArrayList<>(2);
    /** The request as received; dropped when the transaction finishes, as only 2xx retransmissions still pass. */
    SIPRequest original;
    SIPResponse best;
    /** True while branches are still being added: a branch failing at once must not end the fork early. */
    boolean forking;
    boolean finalForwarded;
    /** A CANCEL from the caller matched (§16.10). */
    boolean cancelled;
    boolean finished;
    Timeout timerC;

    ProxyTransaction(ServerTransaction server, SIPRequest original, String mergeKey) {
        this.server = server;
        this.original = original;
        this.callId = original.getCallId().getCallId();
        this.invite = "INVITE".equals(original.getMethod());
        this.initialInvite = invite && original.getToTag() == null;
        this.mergeKey = mergeKey;
    }

    boolean allBranchesFinal() {
        for (Branch branch : branches) {
            if (branch.finalStatus == 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3261 §16.7 step 6: 6xx beats everything, then the lowest class, 4xx before 5xx. */
    static boolean better(SIPResponse candidate, SIPResponse current) {
        if (current == null) {
            return true;
        }
        int c = candidate.getStatusCode() / 100;
        int b = current.getStatusCode() / 100;
        if (b == 6) {
            return false;
        }
        if (c == 6) {
            return true;
        }
        return c < b;
    }
}
