package io.voxgate.sip.transaction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.util.Timeout;
import io.voxgate.sip.transport.SipFlow;

/**
 * One request received and the responses sent for it: the INVITE and non-INVITE server
 * transactions of RFC 3261 §17.2, as they run over TLS and TCP (the only transports offered):
 * nothing is retransmitted by this side, so Timers G, I and J are zero, and what remains is
 * answering a retransmitted request with the last response, absorbing the ACK of a non-2xx
 * (Timer H bounds the wait for it) and the Accepted state of RFC 6026 (Timer L) that lets further
 * 2xx responses through. The TU answers through {@link #respond}, from any thread.
 */
public final class ServerTransaction {

    private static final Logger log = LoggerFactory.getLogger(ServerTransaction.class);

    enum State { TRYING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED }

    private final String key;
    private final SipFlow flow;
    private final boolean invite;
    private final ServerTransactions owner;
    private final TransactionTimers timers;
    private SIPRequest request;
    private State state = State.TRYING;
    /** The last response as sent, to send again on a retransmission: bytes, not the RI's object graph. */
    private byte[] lastResponse;
    private Timeout timer;
    private boolean cancelled;
    private Runnable onCancel;

    ServerTransaction(String key, SipFlow flow, SIPRequest request, ServerTransactions owner, TransactionTimers timers) {
        this.key = key;
        this.flow = flow;
        this.request = request;
        this.invite = "INVITE".equals(request.getMethod());
        this.owner = owner;
        this.timers = timers;
    }

    public SipFlow flow() {
        return flow;
    }

    /** The request as it arrived (the TU may change it while forwarding); null once a final response went out. */
    public synchronized SIPRequest request() {
        return request;
    }

    /**
     * Sends {@code response} and moves the state machine: a provisional keeps the transaction
     * proceeding; a final one completes it. After a final response only further 2xx to an INVITE
     * pass (RFC 6026 §8.5: a forking callee can answer from several places); anything else is a
     * late answer with no one waiting, and is dropped.
     */
    public void respond(SIPResponse response) {
        int status = response.getStatusCode();
        synchronized (this) {
            switch (state) {
                case TRYING, PROCEEDING -> {
                    byte[] sent = flow.sendEncoded(response);
                    if (status < 200) {
                        state = State.PROCEEDING;
                        lastResponse = sent;
                    } else if (!invite) {
                        terminate(); // §17.2.2: Timer J is zero on a reliable transport
                    } else if (status < 300) {
                        enter(State.ACCEPTED, null); // RFC 6026 §8.7: Timer L
                    } else {
                        enter(State.COMPLETED, sent); // §17.2.1: Timer H waits for the ACK
                    }
                }
                case ACCEPTED -> {
                    if (status >= 200 && status < 300) {
                        flow.send(response);
                    }
                }
                case COMPLETED, TERMINATED ->
                        log.debug("{}: {} after the final response to transaction {}; dropped", flow, status, key);
            }
        }
    }

    /** Whether a CANCEL has matched this transaction while it was still pending. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** {@code action} runs once when a CANCEL matches this pending transaction; at once if one already has. */
    public void whenCancelled(Runnable action) {
        boolean now;
        synchronized (this) {
            onCancel = action;
            now = cancelled;
        }
        if (now) {
            action.run();
        }
    }

    /** RFC 3261 §9.2: a CANCEL matched; returns whether it still could cancel anything. */
    boolean cancel() {
        Runnable action;
        synchronized (this) {
            if (!invite || cancelled || (state != State.TRYING && state != State.PROCEEDING)) {
                return false;
            }
            cancelled = true;
            action = onCancel;
        }
        if (action != null) {
            action.run(); // outside the lock: the TU takes its own while it answers through respond()
        }
        return true;
    }

    /** §17.2.3: the same request again (the sender missed our answer): the last response goes out again. */
    synchronized void retransmitted() {
        if ((state == State.PROCEEDING || state == State.COMPLETED) && lastResponse != null) {
            flow.resend(lastResponse);
        }
    }

    /** §17.2.1: the ACK of our non-2xx final response ends the transaction (Timer I is zero over TLS and TCP). */
    synchronized boolean acknowledged() {
        if (state != State.COMPLETED) {
            return false;
        }
        terminate();
        return true;
    }

    /**
     * The connection is gone: a finished transaction has nothing left to wait for (no ACK can come
     * on it), and a pending INVITE is cancelled as a CANCEL would (§17.2.4: the caller cannot be
     * reached), so its callees stop ringing.
     */
    void flowClosed() {
        synchronized (this) {
            if (state == State.COMPLETED || state == State.ACCEPTED) {
                terminate();
                return;
            }
        }
        cancel();
    }

    /** Ends the transaction without an answer (RFC 4320 §4.1: a proxy does not answer 408 to a timed-out non-INVITE). */
    public synchronized void abandon() {
        if (state == State.TRYING || state == State.PROCEEDING) {
            terminate();
        }
    }

    private void enter(State next, byte[] kept) {
        state = next;
        lastResponse = kept;
        request = null; // the TU has what it needs; a lingering transaction keeps only its answer
        timer = timers.schedule(this::timedOut, timers.transactionTimeout());
    }

    private synchronized void timedOut() {
        if (state == State.COMPLETED) {
            log.debug("{}: no ACK for the final response of {} within Timer H", flow, key);
        }
        terminate();
    }

    private void terminate() {
        state = State.TERMINATED;
        request = null;
        lastResponse = null;
        if (timer != null) {
            timer.cancel();
        }
        owner.remove(key, this);
    }

    @Override
    public String toString() {
        return "server transaction " + key + " on " + flow;
    }
}
