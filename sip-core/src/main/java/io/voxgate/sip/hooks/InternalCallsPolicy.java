package io.voxgate.sip.hooks;

/**
 * The policy until dial plans exist: calls between users of the same tenant proceed (the proxy
 * only ever routes inside the caller's tenant); there are no trunks yet, so nothing else exists
 * to be allowed or refused.
 */
public final class InternalCallsPolicy implements CallPolicy {

    @Override
    public Verdict decide(CallAttempt attempt) {
        return PROCEED;
    }
}
