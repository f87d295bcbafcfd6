package io.voxgate.sip.proxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.voxgate.sip.transport.SipFlow;

/**
 * One request being proxied (RFC 3261 §16): the server side toward the caller and one client
 * branch per target. Mutable state, guarded by this object's monitor: responses for different
 * branches can arrive on different event loops.
 */
final class ProxyTransaction {

    /** One forwarded copy of the request and what came back on it. */
    static final class Branch {
        final String id;
        final SipFlow target;
        final SIPRequest forwarded;
        int finalStatus; // 0 while no final response
        boolean provisional;

        Branch(String id, SipFlow target, SIPRequest forwarded) {
            this.id = id;
            this.target = target;
            this.forwarded = forwarded;
        }
    }

    final String key;
    final SipFlow caller;
    final SIPRequest original;
    final Map<String, Branch> branches = new ConcurrentHashMap<>();
    SIPResponse best;
    boolean finalForwarded;
    boolean cancelled;
    /** Timer C of an INVITE, or Timer F of any other request: cancelled when the transaction finishes. */
    ScheduledFuture<?> timerC;
    String mergeKey;

    ProxyTransaction(String key, SipFlow caller, SIPRequest original) {
        this.key = key;
        this.caller = caller;
        this.original = original;
    }

    boolean allBranchesFinal() {
        return branches.values().stream().allMatch(b -> b.finalStatus > 0);
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
