package io.voxgate.sip.hooks;

/**
 * Decides whether an authenticated caller's initial request (INVITE, MESSAGE, SUBSCRIBE, ...) may
 * proceed. Dial plans and toll-fraud limits implement it; the launcher wires the implementation.
 * Called off the event loop only if the implementation says so: it must answer from memory.
 */
@FunctionalInterface
public interface CallPolicy {

    Verdict decide(CallAttempt attempt);

    /** What the policy sees of a call: who calls whom, in which tenant. */
    record CallAttempt(String tenantSlug, String callerUser, String method, String targetUser, String targetDomain,
                       String callId) {
    }

    sealed interface Verdict {
        record Proceed() implements Verdict {
        }

        /**
         * Refuse with a SIP status; {@code rule} names the rule that refused it, sent in a Warning
         * header (and logged) so the phone's admin can see why.
         */
        record Reject(int status, String rule) implements Verdict {
        }
    }

    Verdict.Proceed PROCEED = new Verdict.Proceed();
}
