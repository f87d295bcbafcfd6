package io.voxgate.sip.transaction;

import java.util.List;

import javax.sip.SipException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.To;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.util.Timeout;
import io.voxgate.sip.transport.SipFlow;

/**
 * One request sent and what came back for it: the INVITE and non-INVITE client transactions of
 * RFC 3261 §17.1 over TLS and TCP (nothing retransmitted; Timers A, D, E, G and K are zero).
 * Timer B or F ends a transaction that gets no final response, a closed connection ends it as a
 * transport error (§16.9), a non-2xx to an INVITE is ACKed here (§17.1.1.3), and after a 2xx the
 * Accepted state of RFC 6026 (Timer M) passes further 2xx up. A CANCEL goes out only once the
 * callee has answered provisionally (§9.1), and a callee that then never sends its final answer is
 * given up 64*T1 later.
 */
public final class ClientTransaction {

    private static final Logger log = LoggerFactory.getLogger(ClientTransaction.class);
    private static final List<String> NOT_IN_ACK = List.of("Record-Route", "P-Asserted-Identity", "Contact", "User-Agent");

    /** What the TU hears; called outside this transaction's lock, on the thread the event happened on. */
    public interface Listener {
        void onProvisional(ClientTransaction transaction, SIPResponse response);

        /** A final response; after an INVITE's 2xx, any further 2xx too (RFC 6026 §7.2). */
        void onFinal(ClientTransaction transaction, SIPResponse response);

        /**
         * No final response will come: {@code status} is 408 when Timer B or F fired (§17.1.1.2,
         * §17.1.2.2) and 503 when the connection failed (§16.9), to be treated as that response.
         */
        void onFailure(ClientTransaction transaction, int status);
    }

    enum State { CALLING, TRYING, PROCEEDING, COMPLETED, ACCEPTED, TERMINATED }

    private final String key;
    private final String branch;
    private final SipFlow target;
    private final boolean invite;
    private final Listener listener;
    private final ClientTransactions owner;
    private final TransactionTimers timers;
    private SIPRequest request;
    private State state;
    private Timeout timer;
    /**
     * Which timer is the live one: a timer that fired while a response was being handled (it then
     * waits for the lock) finds the generation moved on and does nothing.
     */
    private int generation;
    private boolean cancelRequested;

    ClientTransaction(String key, String branch, SipFlow target, SIPRequest request, Listener listener, ClientTransactions owner,
                      TransactionTimers timers) {
        this.key = key;
        this.branch = branch;
        this.target = target;
        this.request = request;
        this.invite = "INVITE".equals(request.getMethod());
        this.listener = listener;
        this.owner = owner;
        this.timers = timers;
        this.state = invite ? State.CALLING : State.TRYING;
    }

    public String branch() {
        return branch;
    }

    public SipFlow target() {
        return target;
    }

    synchronized void start() {
        startTimeout(); // Timer B or F
        target.send(request);
    }

    /** (Re)starts the 64*T1 timeout: Timer B or F, or the wait for a 487 after a CANCEL. */
    private void startTimeout() {
        stopTimer();
        int live = generation;
        timer = timers.schedule(() -> fail(SIPResponse.REQUEST_TIMEOUT, live), timers.transactionTimeout());
    }

    private void stopTimer() {
        generation++;
        if (timer != null) {
            timer.cancel();
        }
    }

    void onResponse(SIPResponse response) {
        int status = response.getStatusCode();
        boolean deliver;
        synchronized (this) {
            deliver = switch (state) {
                case CALLING, TRYING, PROCEEDING -> {
                    if (status < 200) {
                        proceeding();
                    } else if (!invite) {
                        terminate(); // §17.1.2.2: Timer K is zero on a reliable transport
                    } else if (status < 300) {
                        accepted();
                    } else {
                        target.send(ackFor(request, response));
                        terminate(); // §17.1.1.2: Timer D is zero on a reliable transport
                    }
                    yield true;
                }
                case ACCEPTED -> status >= 200 && status < 300;
                case COMPLETED, TERMINATED -> false;
            };
        }
        if (!deliver) {
            log.debug("{}: {} on finished transaction {}; dropped", target, status, key);
        } else if (status < 200) {
            listener.onProvisional(this, response);
        } else {
            listener.onFinal(this, response);
        }
    }

    /**
     * RFC 3261 §9.1: cancel a pending INVITE. Before any provisional response the CANCEL waits for
     * one (the callee might not know the INVITE yet); a callee that never answers the INVITE finally
     * is given up 64*T1 after the CANCEL.
     */
    public void cancel() {
        synchronized (this) {
            if (!invite || cancelRequested || (state != State.CALLING && state != State.PROCEEDING)) {
                return;
            }
            cancelRequested = true;
            if (state == State.PROCEEDING) {
                sendCancel();
            }
        }
    }

    void transportFailed() {
        fail(SIPResponse.SERVICE_UNAVAILABLE, ANY_GENERATION);
    }

    private static final int ANY_GENERATION = -1;

    private void proceeding() {
        if (state == State.CALLING) {
            stopTimer(); // §17.1.1.2: Timer B runs in Calling only; the proxy's Timer C takes over
            state = State.PROCEEDING;
            if (cancelRequested) {
                sendCancel();
            }
        } else {
            state = State.PROCEEDING; // a non-INVITE keeps Timer F
        }
    }

    private void sendCancel() {
        try {
            target.send(request.createCancelRequest());
        } catch (SipException e) {
            log.warn("{}: cannot CANCEL {}", target, key, e);
        }
        startTimeout();
    }

    private void accepted() {
        stopTimer();
        state = State.ACCEPTED;
        request = null; // nothing more to send on this branch; keep the lingering state small
        timer = timers.schedule(this::expireAccepted, timers.transactionTimeout()); // RFC 6026 §7.2: Timer M
    }

    private synchronized void expireAccepted() {
        terminate();
    }

    private void fail(int status, int timerGeneration) {
        synchronized (this) {
            if ((timerGeneration != ANY_GENERATION && timerGeneration != generation)
                    || (state != State.CALLING && state != State.TRYING && state != State.PROCEEDING)) {
                return;
            }
            terminate();
        }
        listener.onFailure(this, status);
    }

    private void terminate() {
        state = State.TERMINATED;
        stopTimer();
        owner.remove(key, this);
    }

    /**
     * RFC 3261 §17.1.1.3: the ACK of a non-2xx final response, built from the request sent: its
     * Request-URI, Call-ID, From, CSeq number and Route, the response's To, and the top Via only.
     */
    private static SIPRequest ackFor(SIPRequest sent, SIPResponse response) {
        SIPRequest ack = sent.createAckRequest((To) response.getTo());
        Via ours = (Via) sent.getTopmostVia().clone();
        ack.removeHeader("Via");
        ack.setHeader(ours);
        for (String header : NOT_IN_ACK) {
            ack.removeHeader(header);
        }
        return ack;
    }

    @Override
    public String toString() {
        return "client transaction " + key + " to " + target;
    }
}
